import Testing

@testable import JSONCodec

/// `c - 1 == floor(x / p)`, checked with multiplications only: `(c - 1) p <= x < c p`.
private func isFloorPlusOne(_ c: BigUInt, of x: BigUInt, over p: BigUInt) -> Bool {
    !(x + p < c * p) && x < c * p
}

/// Every Eisel-Lemire entry equals fast_float's definition (see PowersOfFive128.swift).
@Test func powersOfFiveTable_matchesExactArithmetic() {
    var wrong: [Int] = []
    var powers = [BigUInt(1)]  // 5^0, 5^1, ...
    for _ in 0..<max(-powersOfFiveMinExponent, powersOfFiveMaxExponent) { powers.append(powers.last! * BigUInt(5)) }
    for q in powersOfFiveMinExponent...powersOfFiveMaxExponent {
        let index = 2 * (q - powersOfFiveMinExponent)
        let c = BigUInt(high: powersOfFive128[index], low: powersOfFive128[index + 1])
        if q >= 0 {
            // Truncated: c = floor(5^q × 2^(128 - L)) for the bit length L of 5^q.
            let p = powers[q]
            let shift = 128 - p.bitLength
            let ok =
                shift >= 0
                ? c == p.shiftedLeft(shift)
                : !(p < c.shiftedLeft(-shift)) && p < (c + BigUInt(1)).shiftedLeft(-shift)
            if !ok { wrong.append(q) }
        } else {
            let p = powers[-q]
            let z = p.bitLength
            if q >= -27 {
                // c = floor(2^(z + 127) / p) + 1.
                if !isFloorPlusOne(c, of: BigUInt.power(2, z + 127), over: p) { wrong.append(q) }
            } else {
                // c = (floor(2^(2z + 128) / p) + 1) >> (z + 1).
                let x = BigUInt.power(2, 2 * z + 128)
                let s = z + 1
                let ok = !(x + p < c.shiftedLeft(s) * p) && x + p < (c + BigUInt(1)).shiftedLeft(s) * p
                if !ok { wrong.append(q) }
            }
        }
    }
    #expect(wrong.isEmpty, "wrong entries for q = \(wrong.prefix(10))")
}

/// Every Schubfach entry is floor(beta) + 1 with 10^e = beta × 2^r, 2^127 <= beta < 2^128.
@Test func schubfachTable_matchesExactArithmetic() {
    var wrong: [Int] = []
    var powers = [BigUInt(1)]  // 10^0, 10^1, ...
    for _ in 0..<max(-schubfachMinExponent, schubfachMaxExponent) { powers.append(powers.last! * BigUInt(10)) }
    for e in schubfachMinExponent...schubfachMaxExponent {
        let index = 2 * (e - schubfachMinExponent)
        let g = BigUInt(high: schubfachPowersOfTen[index], low: schubfachPowersOfTen[index + 1])
        let (high, low) = (schubfachPowersOfTen[index], schubfachPowersOfTen[index + 1])
        let gMinusOne = BigUInt(high: low == 0 ? high - 1 : high, low: low &- 1)
        let ok: Bool
        if e >= 0 {
            let v = powers[e]
            let shift = 128 - v.bitLength  // beta = v × 2^shift
            ok =
                shift >= 0
                ? gMinusOne == v.shiftedLeft(shift)
                : !(v < gMinusOne.shiftedLeft(-shift)) && v < g.shiftedLeft(-shift)
        } else {
            let v = powers[-e]
            ok = isFloorPlusOne(g, of: BigUInt.power(2, 127 + v.bitLength), over: v)
        }
        if !ok { wrong.append(e) }
    }
    #expect(wrong.isEmpty, "wrong entries for e = \(wrong.prefix(10))")
}

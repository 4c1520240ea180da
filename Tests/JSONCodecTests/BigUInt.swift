/// A minimal arbitrary-precision unsigned integer (32-bit limbs, least significant first), just
/// enough to check the 128-bit power tables exactly: multiply, add, shift left, compare.
struct BigUInt: Comparable {
    var limbs: [UInt32]

    init(_ value: UInt64) {
        limbs = [UInt32(truncatingIfNeeded: value), UInt32(value >> 32)]
        normalize()
    }

    init(high: UInt64, low: UInt64) {
        limbs = [low, high].flatMap { [UInt32(truncatingIfNeeded: $0), UInt32($0 >> 32)] }
        normalize()
    }

    static func power(_ base: UInt64, _ exponent: Int) -> BigUInt {
        if base == 2 { return BigUInt(1).shiftedLeft(exponent) }
        var result = BigUInt(1)
        for _ in 0..<exponent { result = result * BigUInt(base) }
        return result
    }

    var bitLength: Int {
        guard let top = limbs.last else { return 0 }
        return 32 * (limbs.count - 1) + (32 - top.leadingZeroBitCount)
    }

    private mutating func normalize() { while limbs.last == 0 { limbs.removeLast() } }

    static func * (a: BigUInt, b: BigUInt) -> BigUInt {
        var out = [UInt32](repeating: 0, count: a.limbs.count + b.limbs.count + 1)
        for (i, x) in a.limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, y) in b.limbs.enumerated() {
                let t = UInt64(x) * UInt64(y) + UInt64(out[i + j]) + carry
                out[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            var k = i + b.limbs.count
            while carry != 0 {
                let t = UInt64(out[k]) + carry
                out[k] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
                k += 1
            }
        }
        var result = BigUInt(0)
        result.limbs = out
        result.normalize()
        return result
    }

    static func + (a: BigUInt, b: BigUInt) -> BigUInt {
        var out = [UInt32](repeating: 0, count: max(a.limbs.count, b.limbs.count) + 1)
        var carry: UInt64 = 0
        for i in 0..<out.count {
            let t = UInt64(i < a.limbs.count ? a.limbs[i] : 0) + UInt64(i < b.limbs.count ? b.limbs[i] : 0) + carry
            out[i] = UInt32(truncatingIfNeeded: t)
            carry = t >> 32
        }
        var result = BigUInt(0)
        result.limbs = out
        result.normalize()
        return result
    }

    /// `self × 2^shift`.
    func shiftedLeft(_ shift: Int) -> BigUInt {
        let bits = UInt32(shift % 32)
        var out = [UInt32](repeating: 0, count: shift / 32) + limbs + [0]
        if bits > 0 {
            for i in stride(from: out.count - 1, to: shift / 32, by: -1) {
                out[i] = out[i] << bits | out[i - 1] >> (32 - bits)
            }
            out[shift / 32] <<= bits
        }
        var result = BigUInt(0)
        result.limbs = out
        result.normalize()
        return result
    }

    static func < (a: BigUInt, b: BigUInt) -> Bool {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count }
        for i in stride(from: a.limbs.count - 1, through: 0, by: -1) where a.limbs[i] != b.limbs[i] {
            return a.limbs[i] < b.limbs[i]
        }
        return false
    }
}

import Testing

@testable import HTTP1

/// The pool of buffers over glibc's mmap threshold (request bodies, answers), and the parser's
/// body growth that uses it.
@Suite struct LargeBuffersTests {
    static let large = LargeBuffers.smallestKept

    /// A new buffer of at least `capacity` bytes, not from any pool.
    static func fresh(_ capacity: Int) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(capacity)
        return buffer
    }

    static func address(_ buffer: [UInt8]) -> UnsafeRawPointer? { buffer.withUnsafeBytes { $0.baseAddress } }

    @Test func givenBackBuffer_isTakenAgainInPlace_empty() {
        let pool = LargeBuffers(limitBytes: 4 * Self.large)
        var buffer = pool.take(capacity: Self.large)
        buffer.append(contentsOf: [1, 2, 3])
        let storage = Self.address(buffer)
        pool.giveBack(consume buffer)
        #expect(pool.keptBytes >= Self.large)
        let again = pool.take(capacity: Self.large)
        #expect(again.isEmpty && again.capacity >= Self.large)
        #expect(Self.address(again) == storage, "the same storage, not a fresh mapping")
        #expect(pool.keptBytes == 0)
    }

    @Test func smallBuffers_areNotKept() {
        let pool = LargeBuffers(limitBytes: 4 * Self.large)
        pool.giveBack([UInt8](repeating: 7, count: 1_000))
        #expect(pool.keptBytes == 0)
        #expect(pool.take(capacity: 1_000).capacity >= 1_000)
    }

    @Test func take_picksTheSmallestKeptBufferThatFits() {
        let pool = LargeBuffers(limitBytes: 8 * Self.large)
        pool.giveBack(Self.fresh(3 * Self.large))
        pool.giveBack(Self.fresh(Self.large))
        #expect(pool.take(capacity: Self.large).capacity < 3 * Self.large)
        #expect(pool.take(capacity: 2 * Self.large).capacity >= 3 * Self.large)
        #expect(pool.keptBytes == 0)
    }

    @Test func keptCapacity_staysUnderTheLimit_keepingTheLargest() {
        let pool = LargeBuffers(limitBytes: 3 * Self.large)
        pool.giveBack(Self.fresh(Self.large))
        pool.giveBack(Self.fresh(2 * Self.large))
        pool.giveBack(Self.fresh(Self.large + 1))
        #expect(pool.keptBytes <= 3 * Self.large)
        #expect(pool.take(capacity: 2 * Self.large).capacity >= 2 * Self.large)
    }

    @Test func releaseAll_emptiesThePool() {
        let pool = LargeBuffers(limitBytes: 4 * Self.large)
        pool.giveBack(Self.fresh(Self.large))
        pool.releaseAll()
        #expect(pool.keptBytes == 0)
    }

    /// A chunked body of many small chunks arrives whole (its buffer grows geometrically, past the
    /// mmap threshold into a pooled buffer).
    @Test func chunkedBodyOfManyChunks_pastTheThreshold_arrivesWhole() {
        let chunk = [UInt8]((0..<4_096).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let chunks = Self.large / chunk.count + 3
        var parser = RequestParser(limits: HTTPLimits(maxBodyBytes: 2 * Self.large))
        parser.append(Array("POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)[...])
        let framed = Array("1000\r\n".utf8) + chunk + Array("\r\n".utf8)
        var body: [UInt8]?
        for index in 0...chunks {
            parser.append((index == chunks ? Array("0\r\n\r\n".utf8) : framed)[...])
            while let event = parser.next() {
                if case .request(let request) = event { body = request.body }
            }
        }
        guard let received = body else {
            Issue.record("no request")
            return
        }
        #expect(received.count == chunks * chunk.count)
        #expect(received.capacity < 4 * received.count, "grown geometrically, not chunk by chunk")
        #expect(
            stride(from: 0, to: received.count, by: chunk.count).allSatisfy {
                received[$0..<$0 + chunk.count].elementsEqual(chunk)
            })
    }
}

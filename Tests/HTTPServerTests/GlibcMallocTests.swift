import Testing
@testable import HTTPServer

/// The allocator figures behind `process_heap_in_use_bytes`, which tell a leak (live bytes that
/// do not come back) from memory the allocator keeps for reuse.
@Suite struct GlibcMallocTests {
    @Test func heapInUse_followsALiveAllocation() throws {
        guard GlibcMalloc.usesGlibcMalloc else {
            // Under AddressSanitizer its allocator serves malloc: glibc's figures would not move.
            #expect(GlibcMalloc.heap() == nil)
            return
        }
        let before = try #require(GlibcMalloc.heap()).inUse
        // 256 MiB, far above any other test's allocations running meanwhile (never touched, so cheap).
        let block = UnsafeMutableRawPointer.allocate(byteCount: 256 << 20, alignment: 64)
        let during = try #require(GlibcMalloc.heap()).inUse
        block.deallocate()
        let after = try #require(GlibcMalloc.heap()).inUse
        #expect(during - before > 200 << 20)
        #expect(during - after > 200 << 20)
    }
}

import Foundation

/// Figures about this process from Linux's /proc and glibc's allocator, for /metrics (nil where
/// unavailable).
enum ProcessStats {
    /// Resident set size: the second field of /proc/self/statm, in pages.
    static func residentBytes() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .ascii) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Entries of /proc/self/fd, less the one the listing itself holds open.
    static func openFileDescriptors() -> Int? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        return max(0, entries.count - 1)
    }

    /// Heap bytes in live allocations, and bytes the allocator keeps free for reuse, over every
    /// arena, from glibc's `malloc_info` totals (the XML after the last `</heap>`): kept = free
    /// chunks and tops ("fast" + "rest"), in use = arena memory ("system current") - kept + mmapped
    /// blocks. A leak shows in the first; the second is what RSS holds beyond it.
    static func heap() -> (inUse: Int, kept: Int)? {
        guard usesGlibcMalloc, let mallocInfo, let xml = capture({ mallocInfo(0, $0) == 0 }),
              let lastHeap = xml.range(of: "</heap>", options: .backwards) else { return nil }
        let totals = xml[lastHeap.upperBound...]
        guard let fast = size(in: totals, of: #"<total type="fast""#), let rest = size(in: totals, of: #"<total type="rest""#),
              let mmapped = size(in: totals, of: #"<total type="mmap""#), let system = size(in: totals, of: #"<system type="current""#)
        else { return nil }
        return (max(0, system - fast - rest) + mmapped, fast + rest)
    }

    /// The `size="N"` attribute of the element that starts with `element`.
    private static func size(in text: Substring, of element: String) -> Int? {
        guard let start = text.range(of: element), let attribute = text[start.upperBound...].range(of: #"size=""#) else { return nil }
        return Int(text[attribute.upperBound...].prefix { $0.isNumber })
    }

    /// What `write` prints to a stdio stream, as a string.
    private static func capture(_ write: (UnsafeMutablePointer<FILE>) -> Bool) -> String? {
        var buffer: UnsafeMutablePointer<CChar>?
        var length = 0
        guard let stream = open_memstream(&buffer, &length) else { return nil }
        let written = write(stream)
        fclose(stream)
        defer { free(buffer) }
        guard written, let buffer else { return nil }
        return String(cString: buffer)
    }

    /// False when another allocator stands in for glibc's (AddressSanitizer's, jemalloc): its
    /// memory is not in glibc's figures. glibc's `malloc` is an alias of `__libc_malloc`.
    static let usesGlibcMalloc: Bool = {
        #if os(Linux)
        let process = dlopen(nil, RTLD_NOW)
        guard let malloc = dlsym(process, "malloc"), let glibc = dlsym(process, "__libc_malloc") else { return false }
        return malloc == glibc
        #else
        return false
        #endif
    }()

    private typealias MallocInfoFunction = @convention(c) (Int32, UnsafeMutablePointer<FILE>?) -> Int32

    /// `malloc_info(3)`, looked up by name: <malloc.h> is not in Swift's Glibc module.
    private static let mallocInfo: MallocInfoFunction? = {
        #if os(Linux)
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_info") else { return nil }
        return unsafeBitCast(symbol, to: MallocInfoFunction.self)
        #else
        return nil
        #endif
    }()
}

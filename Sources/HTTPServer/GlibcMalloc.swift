import Foundation

/// glibc's allocator, asked and steered through the calls of <malloc.h>, which Swift's Glibc
/// module does not import: each is looked up by name once (nil where it does not exist).
enum GlibcMalloc {
    /// Gives freed heap memory back to the OS (free chunks in every arena, the main arena's top),
    /// so RSS falls back once a busy server goes idle; glibc keeps it otherwise.
    static func releaseFreeMemory() { _ = trim?(0) }

    /// Heap bytes in live allocations, and bytes the allocator keeps free for reuse, over every
    /// arena, from `malloc_info`'s totals (the XML after the last `</heap>`): kept = free chunks
    /// and tops ("fast" + "rest"), in use = arena memory ("system current") - kept + mmapped
    /// blocks. A leak shows in the first; the second is what RSS holds beyond it.
    static func heap() -> (inUse: Int, kept: Int)? {
        guard usesGlibcMalloc, let info, let xml = capture({ info(0, $0) == 0 }),
            let lastHeap = xml.range(of: "</heap>", options: .backwards)
        else { return nil }
        let totals = xml[lastHeap.upperBound...]
        guard let fast = size(in: totals, of: #"<total type="fast""#),
            let rest = size(in: totals, of: #"<total type="rest""#),
            let mmapped = size(in: totals, of: #"<total type="mmap""#),
            let system = size(in: totals, of: #"<system type="current""#)
        else { return nil }
        return (max(0, system - fast - rest) + mmapped, fast + rest)
    }

    /// False when another allocator stands in for glibc's (AddressSanitizer's, jemalloc): its
    /// memory is not in glibc's figures. glibc's `malloc` is an alias of `__libc_malloc`.
    static let usesGlibcMalloc: Bool = {
        guard let malloc = symbol("malloc"), let glibc = symbol("__libc_malloc") else { return false }
        return malloc == glibc
    }()

    /// The `size="N"` attribute of the element that starts with `element`.
    private static func size(in text: Substring, of element: String) -> Int? {
        guard let start = text.range(of: element), let attribute = text[start.upperBound...].range(of: #"size=""#)
        else { return nil }
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

    private typealias Trim = @convention(c) (Int) -> Int32
    private typealias Info = @convention(c) (Int32, UnsafeMutablePointer<FILE>?) -> Int32

    /// `malloc_trim(3)`.
    private static let trim: Trim? = symbol("malloc_trim").map { unsafeBitCast($0, to: Trim.self) }
    /// `malloc_info(3)`.
    private static let info: Info? = symbol("malloc_info").map { unsafeBitCast($0, to: Info.self) }

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        #if os(Linux)
            return dlsym(dlopen(nil, RTLD_NOW), name)
        #else
            return nil
        #endif
    }
}

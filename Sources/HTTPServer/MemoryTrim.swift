#if canImport(Glibc)
import Glibc
#endif

/// Gives freed heap memory back to the OS while the server is idle, so RSS returns to its baseline
/// after a burst of large bodies (glibc keeps freed arena memory otherwise). `malloc_trim` is not
/// in Swift's Glibc module, so it is looked up once by name.
enum MemoryTrim {
    private typealias Trim = @convention(c) (Int) -> Int32

    private static let trim: Trim? = {
        #if os(Linux)
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    /// Releases free memory at the top of every arena and unused pages inside them.
    static func releaseFreeMemory() { _ = trim?(0) }
}

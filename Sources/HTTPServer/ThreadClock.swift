#if canImport(Glibc)
    import Glibc
#endif

/// CPU time of the calling thread (clock_gettime(2), CLOCK_THREAD_CPUTIME_ID), in seconds: the
/// work a handler did, whatever else the cores were busy with meanwhile.
enum ThreadClock {
    static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

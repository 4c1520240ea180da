extension Parallel {
    /// `Parallel.forEach` whose items run their GEMMs on the caller's kernel path: a forced path
    /// (`KernelPath.override`, how the tests run each path) is task-local, and the items run on
    /// Dispatch's threads, which do not inherit it.
    static func forEachOnCallersKernels(_ count: Int, _ body: (Int) -> Void) {
        guard let path = KernelPath.override else { return forEach(count, body) }
        forEach(count) { item in KernelPath.$override.withValue(path) { body(item) } }
    }
}

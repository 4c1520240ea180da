import HTTP1
import Prometheus
import Synchronization

/// The server's Prometheus metrics (text exposition format 0.0.4), on its own registry.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let queueDepth: Gauge
    private let openConnections: Gauge
    private let shed: Counter
    private let shedByReason: [ShedReason: Counter]
    private let queueDelays: [ComputeLane: ValueHistogram]
    private let clientAborts: Counter
    private let pacedAnswers: Counter
    private let bytesIn: Counter
    private let bytesOut: Counter
    private let residentMemory: Gauge
    private let openFileDescriptors: Gauge
    private let heapInUse: Gauge
    private let heapKept: Gauge
    private let largeBuffersKept: Gauge
    private let inFlightCount = Atomic<Int>(0)
    private let startedCount = Atomic<Int>(0)
    /// Per-request series, made once per label set (the registry validates names on every lookup).
    private let series = Locked<[SeriesKey: (Counter, ValueHistogram)]>([:])

    private struct SeriesKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }
    /// Upper bounds in seconds, from 1 ms to 60 s.
    static let latencyBuckets: [Double] = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ]
    static var requests: MetricNameDescriptor {
        name("http_requests", "total", "Requests answered, by route, method and status")
    }
    /// Upper bounds in seconds, from 100 us to 10 s.
    static let queueDelayBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
    ]
    static var latency: MetricNameDescriptor {
        name("http_request_duration", "seconds", "Time from the header section to the response written")
    }

    /// `info`: the labels of the constant `server_info` gauge (ServerConfiguration.infoLabels).
    init(info: [(String, String)] = []) {
        if !info.isEmpty {
            registry.makeGauge(
                descriptor: Self.name("server_info", "", "Facts about this server process, in its labels"), labels: info
            ).set(to: 1)
        }
        inFlight = registry.makeGauge(
            descriptor: Self.name("http_requests_in_flight", "", "Requests received and not yet answered"))
        queueDepth = registry.makeGauge(
            descriptor: Self.name("compute_queue_depth", "", "Compute requests admitted and not yet running"))
        openConnections = registry.makeGauge(
            descriptor: Self.name("http_open_connections", "", "Open client connections"))
        shed = registry.makeCounter(
            descriptor: Self.name(
                "http_requests_shed", "total",
                "Compute requests answered 503 (overload; compute_shed_total gives the reasons)"))
        let shedFamily = Self.name(
            "compute_shed", "total", "Compute requests answered 503, by reason (queue_full, queue_delay, upload_budget)"
        )
        let registry = self.registry
        shedByReason = Dictionary(
            uniqueKeysWithValues: ShedReason.allCases.map {
                ($0, registry.makeCounter(descriptor: shedFamily, labels: [("reason", $0.rawValue)]))
            })
        let delayFamily = Self.name(
            "compute_queue_delay", "seconds", "Time from a compute request's submission to its start, by lane")
        queueDelays = Dictionary(
            uniqueKeysWithValues: ComputeLane.allCases.map {
                (
                    $0,
                    registry.makeValueHistogram(
                        descriptor: delayFamily, labels: [("lane", $0.rawValue)], buckets: Self.queueDelayBuckets)
                )
            })
        clientAborts = registry.makeCounter(
            descriptor: Self.name(
                "http_client_aborts", "total", "Requests whose client vanished before the answer was delivered"))
        pacedAnswers = registry.makeCounter(
            descriptor: Self.name(
                "compute_light_paced", "total",
                "Light answers over --light-rate while heavy work was queued: the connection's next request waited"
            ))
        bytesIn = registry.makeCounter(descriptor: Self.name("http_received", "bytes_total", "Bytes read from clients"))
        bytesOut = registry.makeCounter(descriptor: Self.name("http_sent", "bytes_total", "Bytes written to clients"))
        residentMemory = registry.makeGauge(
            descriptor: Self.name("process_resident_memory", "bytes", "Resident set size"))
        openFileDescriptors = registry.makeGauge(descriptor: Self.name("process_open_fds", "", "Open file descriptors"))
        heapInUse = registry.makeGauge(
            descriptor: Self.name("process_heap_in_use", "bytes", "Heap bytes in live allocations (glibc malloc_info)"))
        largeBuffersKept = registry.makeGauge(
            descriptor: Self.name(
                "process_large_buffers_kept", "bytes",
                "Capacity of request bodies and answers over glibc's mmap threshold kept for reuse (HTTP1.LargeBuffers)"
            ))
        heapKept = registry.makeGauge(
            descriptor: Self.name(
                "process_heap_kept", "bytes", "Free heap bytes the allocator keeps for reuse (glibc malloc_info)"))
    }

    private static func name(_ base: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: base, unitName: unit, helpText: help)
    }

    func requestFinished(route: String, method: String, status: Int, seconds: Double) {
        let key = SeriesKey(route: route, method: method, status: status)
        let (counter, histogram) = series.withLock { series in
            if let known = series[key] { return known }
            let made = (
                registry.makeCounter(
                    descriptor: Self.requests,
                    labels: [("route", route), ("method", method), ("status", String(status))]),
                registry.makeValueHistogram(
                    descriptor: Self.latency, labels: [("route", route)], buckets: Self.latencyBuckets)
            )
            series[key] = made
            return made
        }
        counter.increment()
        histogram.record(seconds)
    }

    func requestStarted() {
        inFlight.increment()
        inFlightCount.add(1, ordering: .relaxed)
        startedCount.add(1, ordering: .relaxed)
    }

    func requestEnded() {
        inFlight.decrement()
        inFlightCount.subtract(1, ordering: .relaxed)
    }

    /// Requests received since the start (a header section complete).
    var requestsStarted: Int { startedCount.load(ordering: .relaxed) }

    /// Requests received and not yet answered, readable without rendering.
    var requestsInFlight: Int { inFlightCount.load(ordering: .relaxed) }
    /// Set only when `/metrics` renders, from the pool itself, so it is never stale.
    func setQueueDepth(_ depth: Int) { queueDepth.set(to: Double(depth)) }
    func connectionOpened() { openConnections.increment() }
    func connectionClosed() { openConnections.decrement() }
    func requestShed(_ reason: ShedReason) {
        shed.increment()
        shedByReason[reason]?.increment()
    }
    func queueDelayed(_ lane: ComputeLane, seconds: Double) { queueDelays[lane]?.record(seconds) }
    func clientAborted() { clientAborts.increment() }
    func lightAnswerPaced() { pacedAnswers.increment() }
    func received(_ count: Int) { bytesIn.increment(by: Int64(count)) }
    func sent(_ count: Int) { bytesOut.increment(by: Int64(count)) }

    /// The exposition text, with the process gauges read now.
    func render() -> [UInt8] {
        if let rss = ProcessStats.residentBytes() { residentMemory.set(to: Double(rss)) }
        if let fds = ProcessStats.openFileDescriptors() { openFileDescriptors.set(to: Double(fds)) }
        if let heap = GlibcMalloc.heap() {
            heapInUse.set(to: Double(heap.inUse))
            heapKept.set(to: Double(heap.kept))
        }
        largeBuffersKept.set(to: Double(LargeBuffers.shared.keptBytes))
        return registry.emitToBuffer()
    }
}

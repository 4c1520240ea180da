import Dispatch
import HTTP1
import Synchronization

/// One request on its way through the connection: from its header section to its response.
final class Exchange {
    let head: RequestHead
    /// Monotonic nanoseconds when the header section was complete.
    let started = DispatchTime.now().uptimeNanoseconds
    var route: Route?
    /// The whole request, once its body is complete.
    var request: HTTPRequest?
    /// The upload bytes held from a compute request's header section until its job ends (or it is
    /// answered without one).
    var upload: Place?
    /// The compute place held from the complete body until the job ends.
    var computePlace: Place?
    /// The compute lane it ran in (nil for the inline routes and answers without a handler).
    var lane: ComputeLane?
    /// True once the job is on the pool: the pool then gives the compute place back.
    var submitted = false
    var answered = false
    var bytesIn = 0
    /// Set when the client vanishes; the handler sees it through `RequestContext.isCancelled`.
    let cancellation = Cancellation()

    init(head: RequestHead) { self.head = head }

    /// True while the exchange holds something other requests may be waiting for.
    var holdsPlace: Bool { upload != nil || computePlace != nil }

    /// Gives back what the exchange holds, except a place the pool will give back itself.
    func releasePlaces() {
        upload?.release()
        upload = nil
        if !submitted { computePlace?.release() }
    }

    /// The route label for metrics and logs: the matched path, or a fixed word so unknown paths
    /// cannot blow up the metrics' cardinality.
    var routeLabel: String { route?.path ?? "unmatched" }
}

/// A response being written; it counts as answered once its last byte is out.
struct PendingResponse {
    /// Nil for a framing error answered before any header section was complete.
    var exchange: Exchange?
    var status: Int
    var bytesOut: Int
}

/// A flag set from the connection's queue and read from a compute thread.
final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .releasing) }
    var isCancelled: Bool { flag.load(ordering: .acquiring) }
}

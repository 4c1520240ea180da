import GradAPI
import HTTP1

/// The workloads as POST /backward requests through GradAPI's handler in-process: JSON decode +
/// engine + JSON encode, no sockets.
enum APISection {
    static func run(options: BenchOptions) {
        print("== API in-process: POST /backward handler (JSON decode + engine + encode) ==")
        guard let route = APIRoutes.all().first(where: { $0.method == "POST" && $0.path == "/backward" }) else {
            print("no POST /backward route")
            return
        }
        for workload in Workload.all(quick: options.quick) where options.wants(workload: workload.name) {
            report(workload, route)
        }
    }

    private static func report(_ workload: Workload, _ route: Route) {
        let request = HTTPRequest(
            method: "POST", target: "/backward", headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: WorkloadRequest.body(workload))
        let first = route.handler(request, RequestContext())
        guard first.status == 200 else {
            let text = String(decoding: first.body.prefix(300), as: UTF8.self)
            print("\(workload.name): not run: status \(first.status): \(text)")
            return
        }
        let samples = Samples.measure(runs: workload.runs, warmups: 0) {
            _ = route.handler(request, RequestContext())
        }
        let megabytes = Double(request.body.count + first.body.count) / 1e6
        print(
            "\(workload.name): \(samples.summary), \(samples.cpuSummary), request \(fmt(Double(request.body.count) / 1e6)) MB, "
                + "response \(fmt(Double(first.body.count) / 1e6)) MB (\(fmt(megabytes / samples.median, digits: 0)) MB of JSON per second overall)"
        )
    }
}

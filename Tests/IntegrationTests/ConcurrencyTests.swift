import GradClient
import Testing

/// A request and how to tell its answer is right.
struct Probe: Sendable {
    let request: HTTPRequest
    let check: @Sendable (HTTPResponse) -> String?

    /// A conformance vector: 200 and the vector's answer.
    static func vector(_ vector: ConformanceVector) -> Probe {
        Probe(request: .post(vector.endpoint, json: vector.body)) { response in
            guard response.status == 200 else { return "\(vector.name): HTTP \(response.status)" }
            let failures = (try? ResponseCheck.failures(of: response.body, against: vector)) ?? ["unreadable body"]
            return failures.isEmpty ? nil : "\(vector.name): \(failures.joined(separator: "; "))"
        }
    }

    static func status(_ request: HTTPRequest, _ status: Int) -> Probe {
        Probe(request: request) { response in
            response.status == status
                ? nil : "\(request.method) \(request.path): HTTP \(response.status), expected \(status)"
        }
    }
}

/// The server sheds compute requests with 503 (by design) past `workers + queue-depth` of them,
/// or once their expected queueing delay is over `--queue-delay-target` (0.25 s; issue 18). This
/// suite checks answers under concurrency, not admission: a queue of 8 and a 30 s target let 8
/// clients with one request each in flight be served without shedding, even by the debug build
/// this suite runs, whose compute takes tens of milliseconds a request on a busy machine.
@Suite("Concurrent clients", .liveServer(arguments: ["--queue-depth", "8", "--queue-delay-target", "30"]))
struct ConcurrencyTests {
    @Test("8 clients x 50 mixed requests are all answered correctly")
    func eightClients_fiftyMixedRequests_allCorrect() throws {
        let server = try LiveServer.require()
        let probes = try Self.mixedProbes()
        let failures = Locked<[String]>([])
        let answered = Locked(0)
        ThreadGroup.run(count: 8) { clientIndex in
            do {
                let client = try Client(baseURL: server.baseURL)
                for requestIndex in 0..<50 {
                    let probe = probes[(clientIndex * 7 + requestIndex) % probes.count]
                    let response = try client.send(probe.request)
                    answered.withValue { $0 += 1 }
                    if let failure = probe.check(response) { failures.withValue { $0.append(failure) } }
                }
            } catch {
                failures.withValue { $0.append("client \(clientIndex): \(error)") }
            }
        }
        #expect(answered.snapshot == 400)
        #expect(
            failures.snapshot.isEmpty,
            "\(failures.snapshot.count) wrong:\n\(failures.snapshot.prefix(10).joined(separator: "\n"))")
    }

    /// Forward and backward vectors of several kinds, health checks and refused requests.
    static func mixedProbes() throws -> [Probe] {
        let names = ConformanceVector.allFileNames()
        var picks: [String] = names.filter { $0.hasPrefix("00") }
        for (marker, count) in [("_conv_", 3), ("pool_", 2), ("_net_", 2), ("_enc_", 2)] {
            picks += names.filter { $0.contains(marker) }.prefix(count)
        }
        var probes: [Probe] = try picks.map { Probe.vector(try ConformanceVector.load($0)) }
        let unknownLayer = Array(#"{"input": [[1]], "layers": [{"type": "nope"}]}"#.utf8)
        probes.append(Probe.status(HTTPRequest.get("/healthz"), 200))
        probes.append(Probe.status(HTTPRequest.post("/forward", json: unknownLayer), 422))
        probes.append(Probe.status(HTTPRequest.post("/backward", json: Array("[1, 2".utf8)), 400))
        return probes
    }
}

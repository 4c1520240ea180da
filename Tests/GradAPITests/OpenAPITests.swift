import Foundation
import HTTP1
import Testing

@testable import GradAPI

/// openapi.yaml is valid OpenAPI 3.1, is what GET /openapi.yaml serves, and lists exactly the routes.
@Suite struct OpenAPITests {
    /// Runs python3 with `arguments`; returns its exit status and combined output.
    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = Repo.root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test func specValidatesWithOpenAPISpecValidator() throws {
        let result = try Self.python(["-m", "openapi_spec_validator", "--schema", "3.1", Repo.openAPI.path])
        #expect(result.status == 0, "openapi-spec-validator: \(result.output)")
        #expect(result.output.contains("OK"))
    }

    @Test func embeddedDocumentEqualsRepositoryFile() throws {
        let file = try #require(FileManager.default.contents(atPath: Repo.openAPI.path))
        let embedded = Array(OpenAPIDocument.yaml.utf8)
        // Compared as one Bool so a mismatch prints the first differing byte, not both documents.
        let repository = Array(file)
        let shared = min(embedded.count, repository.count)
        let firstDifference = (0..<shared).first { embedded[$0] != repository[$0] } ?? shared
        let identical = embedded == repository
        #expect(
            identical,
            "embedded copy differs from openapi.yaml at byte \(firstDifference) (sizes \(embedded.count), \(repository.count)): run scripts/embed-openapi"
        )
    }

    @Test func getOpenAPIServesTheFileAsYAML() throws {
        let response = try APIClient().send("GET", "/openapi.yaml", contentType: nil)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/yaml")
        #expect(response.body == Array(OpenAPIDocument.yaml.utf8))
        let route = try #require(APIRoutes.all().first { $0.path == "/openapi.yaml" })
        #expect(route.lane == .inline)
    }

    @Test func getOpenAPI_acceptTextYAML_servesTextYAML() throws {
        let route = try #require(APIRoutes.all().first { $0.path == "/openapi.yaml" })
        func contentType(_ accept: String) -> String? {
            let headers = HTTPHeaders([("Host", "localhost"), ("Accept", accept)])
            let response = route.handler(
                HTTPRequest(method: "GET", target: "/openapi.yaml", headers: headers), RequestContext())
            #expect(response.body == Array(OpenAPIDocument.yaml.utf8))
            return response.headers["Content-Type"]
        }
        #expect(contentType("text/yaml") == "text/yaml")
        #expect(contentType("text/plain, Text/YAML;q=0.9") == "text/yaml")
        #expect(contentType("application/yaml, text/yaml") == "application/yaml")
        #expect(contentType("*/*") == "application/yaml")
        #expect(contentType("application/json") == "application/yaml")
    }

    /// The spec's (method, path) pairs, OPTIONS aside, are the API's routes plus the server's own
    /// (/healthz, /readyz, /metrics) and the grading endpoints; and every path has an OPTIONS preflight.
    @Test func specOperationsEqualRoutes() throws {
        let script = """
            import yaml, sys
            doc = yaml.safe_load(open(sys.argv[1]))
            for path, item in doc['paths'].items():
                for method in item:
                    print(method.upper(), path)
            """
        let result = try Self.python(["-c", script, Repo.openAPI.path])
        try #require(result.status == 0, "\(result.output)")
        let operations = Set(result.output.split(separator: "\n").map(String.init))
        // The page's files are one templated path in the spec (PageRoutesTests checks its list of names).
        let routes = Set(
            APIRoutes.all().map { "\($0.method) \($0.path.hasPrefix("/static/") ? "/static/{file}" : $0.path)" })
        let serverOwned: Set = ["GET /healthz", "GET /readyz", "GET /metrics"]
        let grading: Set = ["POST /grade", "POST /explain", "POST /gradcheck"]
        #expect(operations.filter { !$0.hasPrefix("OPTIONS ") } == routes.union(serverOwned).union(grading))
        let paths = Set(operations.map { $0.split(separator: " ")[1] })
        #expect(Set(operations.filter { $0.hasPrefix("OPTIONS ") }.map { $0.split(separator: " ")[1] }) == paths)
    }

    @Test func computeRoutesRunOnTheComputeLane() {
        for route in APIRoutes.all() where route.method == "POST" {
            #expect(route.lane == .compute, "\(route.path)")
        }
    }

    /// Every conformance request and every example in the spec validates against its schema, and
    /// typical mistakes do not (so the schemas are not vacuous).
    @Test func schemasAcceptVectorsAndExamplesAndRejectMistakes() throws {
        let script = """
            import json, glob, sys, yaml, jsonschema
            doc = yaml.safe_load(open(sys.argv[1]))
            def validator(name):
                schema = dict(doc); schema['$ref'] = '#/components/schemas/' + name
                schema['$schema'] = 'https://json-schema.org/draft/2020-12/schema'
                return jsonschema.Draft202012Validator(schema)
            problem = validator('Problem')
            failures = []
            for f in sorted(glob.glob(sys.argv[2] + '/*.json')):
                errors = list(problem.iter_errors(json.load(open(f))['request']))
                if errors: failures.append(f + ': ' + errors[0].message[:200])
            for path, item in doc['paths'].items():
                for method, op in item.items():
                    if 'requestBody' in op:
                        media = op['requestBody']['content']['application/json']
                        v = validator(media['schema']['$ref'].split('/')[-1])
                        for name, ex in media.get('examples', {}).items():
                            if '$ref' in ex: ex = doc['components']['examples'][ex['$ref'].split('/')[-1]]
                            for e in v.iter_errors(ex['value']): failures.append(path + ' ' + name + ': ' + e.message[:200])
                    for code, resp in op['responses'].items():
                        for media in resp.get('content', {}).values():
                            for name, ex in media.get('examples', {}).items():
                                v = validator(media['schema']['$ref'].split('/')[-1])
                                for e in v.iter_errors(ex['value']): failures.append(path + ' ' + code + ' ' + name + ': ' + e.message[:200])
            mistakes = [
                {"input": [[1]], "layers": [{"type": "relu", "strides": 1}]},
                {"input": [[1]], "layers": [{"type": "conv2d"}]},
                {"input": [[1]], "layers": []},
                {"input": [[1]], "layers": [{"type": "relu"}], "los": {}},
                {"images": [[1]], "kernels": [[1]], "layers": [{"type": "relu"}], "input": [[1]]},
                {"input": {"shape": [1], "data": [1], "base64": "AA=="}, "layers": [{"type": "relu"}]},
                {"input": [[1]], "layers": [{"type": "relu"}], "loss": {"type": "huber", "target": 1, "beta": 1}},
            ]
            for m in mistakes:
                if problem.is_valid(m): failures.append('accepted ' + json.dumps(m))
            accepted = [
                {"input": [[1]], "layers": [{"type": "conv2d", "weight": [[1]], "bias": None, "stride": None, "name": None}], "loss": None, "grad_output": 1},
                {"images": [[1]], "kernels": {"shape": [1, 1], "base64": "AAAAAAAA8D8=", "dtype": None}, "padding": None, "tensor_format": None},
                {"input": [[1]], "layers": [{"type": "maxpool2d", "kernel_size": 1, "stride": None, "ceil_mode": None}], "return": None},
            ]
            for a in accepted:
                if not problem.is_valid(a): failures.append('refused ' + json.dumps(a))
            print('\\n'.join(failures) if failures else 'all valid')
            sys.exit(1 if failures else 0)
            """
        let result = try Self.python(["-c", script, Repo.openAPI.path, Repo.vectors.path])
        #expect(result.status == 0, "\(result.output)")
    }

    /// Every response the handlers give to the spec's example requests and to the conformance
    /// requests validates against the response schema the spec gives for its path and status.
    @Test func responsesMatchTheirSchemas() throws {
        let examplesScript = """
            import json, glob, sys, yaml
            doc = yaml.safe_load(open(sys.argv[1]))
            out = []
            for path, item in doc['paths'].items():
                for method, op in item.items():
                    media = op.get('requestBody', {}).get('content', {}).get('application/json', {})
                    for ex in media.get('examples', {}).values():
                        if '$ref' in ex: ex = doc['components']['examples'][ex['$ref'].split('/')[-1]]
                        out.append({'path': path, 'body': json.dumps(ex['value'])})
            for f in sorted(glob.glob(sys.argv[2] + '/*.json')):
                v = json.load(open(f))
                out.append({'path': v['endpoint'], 'body': json.dumps(v['request'])})
            print(json.dumps(out))
            """
        let listed = try Self.python(["-c", examplesScript, Repo.openAPI.path, Repo.vectors.path])
        try #require(listed.status == 0, "\(listed.output)")
        let requests = try #require(
            try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: String]])
        let client = APIClient()
        var exchanges: [[String: Any]] = []
        for request in requests {
            let path = try #require(request["path"])
            let body = try #require(request["body"])
            let response = try client.post(path, body)
            #expect(response.status == 200, "\(path) \(body.prefix(200)): \(response.text)")
            exchanges.append(["path": path, "status": String(response.status.code), "body": response.text])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gradapi-exchanges-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: exchanges).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let validateScript = """
            import json, sys, yaml, jsonschema
            doc = yaml.safe_load(open(sys.argv[1]))
            failures = []
            for x in json.load(open(sys.argv[2])):
                response = doc['paths'][x['path']]['post']['responses'][x['status']]
                if '$ref' in response: response = doc['components']['responses'][response['$ref'].split('/')[-1]]
                schema = dict(doc); schema.update(response['content']['application/json']['schema'])
                schema['$schema'] = 'https://json-schema.org/draft/2020-12/schema'
                for e in jsonschema.Draft202012Validator(schema).iter_errors(json.loads(x['body'])):
                    failures.append(x['path'] + ' ' + x['status'] + ': ' + e.message[:200])
            print('\\n'.join(failures[:20]) if failures else 'all valid')
            sys.exit(1 if failures else 0)
            """
        let result = try Self.python(["-c", validateScript, Repo.openAPI.path, file.path])
        #expect(result.status == 0, "\(result.output)")
    }
}

import CCurl

/// libcurl's process-wide setup, done once before the first handle (curl_global_init(3)).
private let curlGlobalSetup: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// An HTTP/1.1 client for the ConvGrad server over one libcurl easy handle.
///
/// The handle keeps its connection alive between requests, so consecutive requests to one server
/// reuse one TCP connection (HTTP/1.1 persistent connections, RFC 9112 §9.3).
///
/// Thread safety: a client is not `Sendable`. Use one client per thread; libcurl forbids sharing an
/// easy handle between threads that use it at the same time (libcurl-thread(3)). Separate clients
/// on separate threads are fine.
public final class Client {
    /// The server's base URL, without a trailing slash (`http://127.0.0.1:8080`).
    public let baseURL: String
    public let configuration: ClientConfiguration
    private let handle: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: libcurl writes a readable reason here on failure.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// A client for the server at `baseURL`; throws `.transfer` when libcurl cannot be set up.
    public init(baseURL: String = "http://127.0.0.1:8080", configuration: ClientConfiguration = ClientConfiguration())
        throws(GradClientError)
    {
        var trimmed = Substring(baseURL)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        self.baseURL = String(trimmed)
        self.configuration = configuration
        guard curlGlobalSetup == CURLE_OK, let handle = curl_easy_init() else {
            throw .transfer(
                url: baseURL, code: Int(curlGlobalSetup.rawValue), reason: "libcurl could not be initialised")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// `GET path`, any status returned as a response.
    public func get(_ path: String) throws(GradClientError) -> HTTPResponse {
        try send(.get(path))
    }

    /// `POST path` with a JSON body, any status returned as a response.
    public func post(_ path: String, json body: [UInt8]) throws(GradClientError) -> HTTPResponse {
        try send(.post(path, json: body))
    }

    /// `POST path` with a JSON body given as text.
    public func post(_ path: String, json body: String) throws(GradClientError) -> HTTPResponse {
        try send(.post(path, json: Array(body.utf8)))
    }

    /// Sends one request and returns the final response, whatever its status. Throws only when no
    /// complete response arrived: `.cannotConnect`, `.timedOut` or `.transfer`.
    public func send(_ request: HTTPRequest) throws(GradClientError) -> HTTPResponse {
        let url = baseURL + request.path
        let sink = TransferSink()
        let headerList = HeaderList(headers(of: request))
        defer { headerList.free() }
        // curl_easy_reset keeps live connections, so keep-alive survives it (curl_easy_reset(3)).
        curl_easy_reset(handle)
        errorBuffer[0] = 0  // so a failure's reason is never a previous transfer's
        configure(url: url, method: request.method, headers: headerList, sink: sink)
        // A POST always hands libcurl a body: without one it would read the body from stdin.
        let body = request.body ?? (request.method == "POST" ? [] : nil)
        let code = withExtendedLifetime(sink) { performWithBody(body) }
        guard code == CURLE_OK else { throw failure(code, url: url) }
        return response(from: sink)
    }

    /// The request's fields, with the configured API key unless the request names its own.
    private func headers(of request: HTTPRequest) -> [(name: String, value: String)] {
        guard let key = configuration.apiKey,
            !request.headers.contains(where: { $0.name.lowercased() == "authorization" })
        else {
            return request.headers
        }
        return request.headers + [("Authorization", "Bearer \(key)")]
    }

    private func configure(url: String, method: String, headers: HeaderList, sink: TransferSink) {
        _ = curl_set_string(handle, CURLOPT_URL, url)
        _ = curl_set_string(handle, CURLOPT_USERAGENT, configuration.userAgent)
        _ = curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds)
        _ = curl_set_long(handle, CURLOPT_TIMEOUT_MS, configuration.totalTimeout.curlMilliseconds)
        _ = curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = curl_set_slist(handle, CURLOPT_HTTPHEADER, headers.list)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        _ = curl_set_callback(handle, CURLOPT_WRITEFUNCTION, sinkBodyCallback)
        _ = curl_set_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = curl_set_callback(handle, CURLOPT_HEADERFUNCTION, sinkHeaderCallback)
        _ = curl_set_pointer(handle, CURLOPT_HEADERDATA, context)
        setMethod(method)
    }

    private func setMethod(_ method: String) {
        switch method {
        case "GET": _ = curl_set_long(handle, CURLOPT_HTTPGET, 1)
        case "HEAD": _ = curl_set_long(handle, CURLOPT_NOBODY, 1)
        case "POST": _ = curl_set_long(handle, CURLOPT_POST, 1)
        default: _ = curl_set_string(handle, CURLOPT_CUSTOMREQUEST, method)
        }
    }

    /// Runs the transfer; a body is handed to libcurl by pointer (CURLOPT_POSTFIELDS does not copy),
    /// so the transfer runs inside the closure that keeps the bytes alive.
    private func performWithBody(_ body: [UInt8]?) -> CURLcode {
        guard let body else { return curl_easy_perform(handle) }
        let emptyBody: StaticString = ""
        return body.withUnsafeBytes { bytes in
            let start = bytes.baseAddress ?? UnsafeRawPointer(emptyBody.utf8Start)
            _ = curl_set_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            _ = curl_set_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: start))
            return curl_easy_perform(handle)
        }
    }

    private func response(from sink: TransferSink) -> HTTPResponse {
        var response = HTTPResponse(status: info(CURLINFO_RESPONSE_CODE), headers: sink.headers, body: sink.body)
        response.interimStatuses = sink.interimStatuses
        response.reusedConnection = info(CURLINFO_NUM_CONNECTS) == 0
        response.localPort = info(CURLINFO_LOCAL_PORT)
        response.elapsedSeconds = seconds(CURLINFO_TOTAL_TIME_T)
        response.requestStartSeconds = seconds(CURLINFO_PRETRANSFER_TIME_T)
        response.firstByteSeconds = seconds(CURLINFO_STARTTRANSFER_TIME_T)
        return response
    }

    /// A `*_TIME_T` info, which libcurl gives in microseconds.
    private func seconds(_ item: CURLINFO) -> Double {
        var microseconds: curl_off_t = 0
        _ = curl_get_off_t(handle, item, &microseconds)
        return Double(microseconds) / 1_000_000
    }

    private func info(_ item: CURLINFO) -> Int {
        var value = 0
        _ = curl_get_long(handle, item, &value)
        return value
    }

    /// Maps a CURLcode to the error a caller acts on. A timeout before the TCP connection was made
    /// (CURLINFO_CONNECT_TIME_T still 0) is a failure to connect, not a slow server.
    private func failure(_ code: CURLcode, url: String) -> GradClientError {
        let reason = errorBuffer.pointee == 0 ? String(cString: curl_easy_strerror(code)) : String(cString: errorBuffer)
        let connectSeconds = seconds(CURLINFO_CONNECT_TIME_T)
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .cannotConnect(url: url, reason: reason)
        case CURLE_OPERATION_TIMEDOUT where connectSeconds == 0:
            return .cannotConnect(url: url, reason: reason)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(url: url, reason: reason)
        default:
            return .transfer(url: url, code: Int(code.rawValue), reason: reason)
        }
    }
}

@available(*, unavailable, message: "use one Client per thread")
extension Client: Sendable {}

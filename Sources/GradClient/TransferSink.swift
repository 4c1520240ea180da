import CCurl

/// Collects what libcurl hands its write and header callbacks during one transfer.
///
/// libcurl calls the header callback once per header line, status lines included, and reports every
/// interim 1xx response (`HTTP/1.1 100 Continue`) before the final one; a status line therefore
/// starts a new header block.
final class TransferSink {
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var interimStatuses: [Int] = []
    private var currentStatus: Int?

    func receiveBody(_ bytes: UnsafeRawBufferPointer) {
        body.append(contentsOf: bytes)
    }

    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingLineEnd()
        if line.hasPrefix("HTTP/") {
            startResponse(statusLine: line)
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers.append((name, value))
        }
    }

    /// `HTTP/1.1 200 OK`: the status code is the second token (RFC 9112 §4).
    private func startResponse(statusLine: String) {
        if let previous = currentStatus, (100..<200).contains(previous) { interimStatuses.append(previous) }
        let tokens = statusLine.split(separator: " ", maxSplits: 2)
        currentStatus = tokens.count > 1 ? Int(tokens[1]) : nil
        headers = []
    }
}

extension String {
    fileprivate func trimmingLineEnd() -> String {
        var result = Substring(self)
        while let last = result.last, last == "\r\n" || last == "\n" || last == "\r" { result = result.dropLast() }
        return String(result)
    }
}

extension Substring {
    /// Drops the optional whitespace around a field value (RFC 9110 §5.5).
    fileprivate func trimmingSpaces() -> String {
        var value = self
        while let first = value.first, first == " " || first == "\t" { value = value.dropFirst() }
        while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
        return String(value)
    }
}

/// CURLOPT_WRITEFUNCTION: appends the chunk to the `TransferSink` passed as CURLOPT_WRITEDATA.
let sinkBodyCallback: curl_data_callback = { data, size, count, context in
    let length = size * count
    guard let data, let context else { return length }
    let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
    sink.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

/// CURLOPT_HEADERFUNCTION: hands one header line to the `TransferSink` passed as CURLOPT_HEADERDATA.
let sinkHeaderCallback: curl_data_callback = { data, size, count, context in
    let length = size * count
    guard let data, let context else { return length }
    let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
    sink.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

import JackpotWire
/// The HTTP/1.1 messages the loopback server reads and writes. Deliberately
/// minimal: `Content-Length` bodies only, because the server exists to play an
/// operator's wallet in tests and benchmarks, not to be a general web server.

/// One request as the loopback server read it off the socket.
package struct HTTPServerRequest: Sendable {
    package var method: String
    /// Path plus query string, as sent.
    package var target: String
    var version: String
    /// Header names lowercased, in the order received.
    var headers: [(name: String, value: String)]
    package var body: [UInt8]

    /// First value of the header `name` (lowercase).
    package func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// The target without its query string.
    package var path: String {
        target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
    }

    /// HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 only when asked.
    var keepAlive: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }
}

/// An answer the server writes; it adds `Content-Length` and `Connection` itself.
package struct HTTPServerResponse: Sendable {
    package enum Body: Sendable {
        case bytes([UInt8])
        /// `count` copies of one byte, written in chunks so a huge body is never
        /// held in memory at once.
        case repeated(UInt8, count: Int)

        var count: Int {
            switch self {
            case .bytes(let bytes): bytes.count
            case .repeated(_, let count): count
            }
        }
    }

    var status: Int
    var headers: [HTTPHeader]
    var body: Body

    package init(status: Int, headers: [HTTPHeader] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer; `json` is already-serialized text.
    package static func json(_ status: Int, _ json: String, headers: [HTTPHeader] = []) -> HTTPServerResponse {
        HTTPServerResponse(
            status: status,
            headers: [HTTPHeader("Content-Type", "application/json")] + headers,
            body: .bytes(Array(json.utf8)))
    }

    /// Status line and headers, ending with the blank line.
    func head(keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        text += "Content-Length: \(body.count)\r\n"
        text += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 302: "Found"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }
}

/// What the server does with a request once the handler has looked at it.
package enum HTTPServerAction: Sendable {
    /// Writes the response, after waiting `afterSeconds` (cut short by `stop()`).
    case respond(HTTPServerResponse, afterSeconds: Double)
    /// Writes nothing and keeps the connection open until the client closes it or the server stops.
    case hang
    /// Closes the connection with a TCP reset, so the client sees ECONNRESET rather than a clean EOF.
    case reset

    package static func respond(_ response: HTTPServerResponse) -> HTTPServerAction {
        .respond(response, afterSeconds: 0)
    }
}

/// A request the server refuses before any handler sees it; the connection is closed afterwards.
struct HTTPRequestRejection: Error, Sendable {
    let status: Int
    let message: String
}

/// The request line and headers, parsed from the bytes before the blank line.
struct HTTPRequestHead {
    var method: String
    var target: String
    var version: String
    var headers: [(name: String, value: String)]
    var contentLength: Int
    var expectsContinue: Bool

    /// `bytes` is everything before the `\r\n\r\n`.
    init(parsing bytes: ArraySlice<UInt8>, maxBodyBytes: Int) throws(HTTPRequestRejection) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HTTPRequestRejection(status: 400, message: "request head is not UTF-8")
        }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        let requestLine = lines.popFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true) } ?? []
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else {
            throw HTTPRequestRejection(status: 400, message: "malformed request line")
        }
        method = String(requestLine[0])
        target = String(requestLine[1])
        version = String(requestLine[2])
        headers = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                throw HTTPRequestRejection(status: 400, message: "malformed header line")
            }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers.append((name, value))
        }
        if headers.contains(where: { $0.name == "transfer-encoding" }) {
            // Chunked uploads would need a decoder the operator never needs:
            // the daemon always knows its body length up front.
            throw HTTPRequestRejection(status: 411, message: "Transfer-Encoding is not supported; send Content-Length")
        }
        let lengths = headers.filter { $0.name == "content-length" }.map(\.value)
        if lengths.isEmpty {
            contentLength = 0
        } else {
            guard Set(lengths).count == 1, let length = Int(lengths[0]), length >= 0 else {
                throw HTTPRequestRejection(status: 400, message: "invalid Content-Length")
            }
            guard length <= maxBodyBytes else {
                throw HTTPRequestRejection(status: 413, message: "body larger than \(maxBodyBytes) bytes")
            }
            contentLength = length
        }
        expectsContinue = headers.contains { $0.name == "expect" && $0.value.lowercased() == "100-continue" }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    fileprivate func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// One HTTP exchange with an operator, behind a protocol so the dispatcher can
/// be driven by a scripted transport in tests as well as by real HTTP.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns what came back. Never throws: every failure is
    /// a value the outcome classifier turns into a retry reason.
    func send(_ request: HTTPRequestData, timeoutSeconds: Double) async -> HTTPExchangeResult
}

public struct HTTPRequestData: Sendable, Hashable {
    public var method: String
    /// Full URL including the operator's query string (never logged unmasked).
    public var url: String
    /// Header name/value pairs in the order they are sent.
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// Allowed schemes, TLS material and proxy for this request's operator.
    public var transport: TransportOptions

    public init(
        method: String = "POST", url: String, headers: [HTTPHeader], body: [UInt8],
        transport: TransportOptions = TransportOptions()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.transport = transport
    }
}

public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What the operator answered. Redirects are never followed, so a 3xx arrives here as itself.
public struct HTTPResponseData: Sendable, Hashable {
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    /// At most `HTTPResponseData.bodyLimit` bytes.
    public var body: [UInt8]
    /// True when the operator sent more than `bodyLimit` bytes; the rest was not read.
    public var bodyTruncated: Bool

    /// Responses are small JSON objects; anything larger is a misbehaving operator.
    public static let bodyLimit = 64 * 1024

    public init(status: Int, headers: [String: String] = [:], body: [UInt8], bodyTruncated: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
    }
}

/// Why no HTTP response was obtained.
public enum TransportFailure: Error, Sendable, Hashable {
    /// No complete answer within the operator's timeout (or our overall deadline).
    case timeout
    /// Refused, reset, DNS failure, connection closed mid-response.
    case connection(String)
    /// Certificate or handshake failure; never bypassed.
    case tls(String)
    /// Anything else the HTTP stack reported.
    case other(String)
}

public typealias HTTPExchangeResult = Result<HTTPResponseData, TransportFailure>

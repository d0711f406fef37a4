/// The HTTP values a delivery attempt is made of: what is sent, what came back,
/// and why nothing came back. Plain values, so the wire, the store and the
/// simulator share them without depending on a transport.
package struct HTTPRequestData: Sendable, Hashable {
    package var method: String
    /// Full URL including the operator's query string (never logged unmasked).
    package var url: String
    /// Header name/value pairs in the order they are sent.
    package var headers: [HTTPHeader]
    package var body: [UInt8]
    /// Allowed schemes, TLS material and proxy for this request's operator.
    package var transport: TransportOptions

    package init(
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

package struct HTTPHeader: Sendable, Hashable {
    package var name: String
    package var value: String

    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What the operator answered. Redirects are never followed, so a 3xx arrives here as itself.
package struct HTTPResponseData: Sendable, Hashable {
    package var status: Int
    /// Header names lowercased.
    package var headers: [String: String]
    /// At most `HTTPResponseData.bodyLimit` bytes.
    package var body: [UInt8]
    /// True when the operator sent more than `bodyLimit` bytes; the rest was not read.
    package var bodyTruncated: Bool
    /// How many times the request left for this answer: 2 when a kept-alive
    /// connection was closed before answering and the request was sent again.
    package var timesSent: Int

    /// Responses are small JSON objects; anything larger is a misbehaving operator.
    package static let bodyLimit = 64 * 1024

    package init(status: Int, headers: [String: String] = [:], body: [UInt8], bodyTruncated: Bool = false, timesSent: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.timesSent = timesSent
    }
}

/// Why no HTTP response was obtained.
package enum TransportFailure: Error, Sendable, Hashable {
    /// No complete answer within the operator's timeout (or our overall deadline).
    case timeout
    /// Refused, reset, DNS failure, connection closed mid-response.
    case connection(String)
    /// Certificate or handshake failure; never bypassed.
    case tls(String)
    /// Anything else the HTTP stack reported.
    case other(String)
}

extension TransportFailure {
    /// The same failure with `note` after its message; a timeout has none and stays as it is.
    package func adding(_ note: String) -> TransportFailure {
        switch self {
        case .timeout: .timeout
        case .connection(let message): .connection(message + note)
        case .tls(let message): .tls(message + note)
        case .other(let message): .other(message + note)
        }
    }
}

package typealias HTTPExchangeResult = Result<HTTPResponseData, TransportFailure>

/// The HTTP ingest listener of `jackpotd run` (the top-level `ingest` object):
/// where it listens, who may post, its TLS and its limits. Absent means no
/// listener at all.
package struct IngestConfig: Sendable, Hashable {
    package var listen: IngestListenAddress
    package var tokens: [IngestToken]
    package var tls: IngestTLSFiles?
    /// Plain HTTP on an address other than loopback: tokens and wins would travel unencrypted.
    package var allowInsecureHTTP = false
    package var limits = IngestLimits()

    package init(listen: IngestListenAddress, tokens: [IngestToken]) {
        self.listen = listen
        self.tokens = tokens
    }
}

/// `127.0.0.1:8470`, `[::1]:8470` or a unix socket path (`/run/jackpotd/ingest.sock`).
package enum IngestListenAddress: Sendable, Hashable, CustomStringConvertible {
    case inet(host: String, port: UInt16)
    case inet6(host: String, port: UInt16)
    case unix(path: String)

    /// True when only this host can connect.
    package var isLocal: Bool {
        switch self {
        case .inet(let host, _): host.hasPrefix("127.")
        case .inet6(let host, _): host == "::1"
        case .unix: true
        }
    }

    package var description: String {
        switch self {
        case .inet(let host, let port): "\(host):\(port)"
        case .inet6(let host, let port): "[\(host)]:\(port)"
        case .unix(let path): path
        }
    }
}

/// One bearer token and what it may do. `description` never shows the token.
package struct IngestToken: Sendable, Hashable, CustomStringConvertible {
    /// Shown in logs and metrics instead of the token.
    package var name: String
    package var token: String
    /// The operators this token may enqueue for and read; nil means all.
    package var operators: Set<String>?

    package init(name: String, token: String, operators: Set<String>? = nil) {
        self.name = name
        self.token = token
        self.operators = operators
    }

    package var description: String { "token \(name)" }
}

/// PEM files of the listener's TLS (`ingest.tls`). With `clientCAFile`, every
/// client must present a certificate that CA signed (mutual TLS).
package struct IngestTLSFiles: Sendable, Hashable {
    package var certificateFile: String
    package var keyFile: String
    package var clientCAFile: String?

    package init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }
}

/// Bounds on what one client can make the listener hold (`ingest.limits`).
package struct IngestLimits: Sendable, Hashable {
    /// A larger body is answered 413 without being stored.
    package var maxBodyBytes = 8 * 1024 * 1024
    /// A JSON Lines body with more lines is answered 413.
    package var maxLinesPerRequest = 10_000
    /// Open connections at once; more are refused at accept.
    package var maxConnections = 512
    /// A connection idle this long (a slow or stalled client) is closed.
    package var requestTimeoutSeconds = 30

    package init() {}
}

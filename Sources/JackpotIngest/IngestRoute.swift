/// What a request asks for, from its method and path alone: the endpoints
/// under `/v1` and the unversioned probes. Pure, so every path is testable
/// without a socket.
package enum IngestRoute: Equatable, Sendable {
    case postWins
    case getWin(reference: String)
    case healthz
    case readyz
    case metrics
    case notFound
    /// The path exists but not for this method; `allow` lists the ones it takes.
    case methodNotAllowed(allow: String)

    package init(method: String, path: String) {
        let get = method == "GET" || method == "HEAD"
        switch path {
        case "/v1/wins":
            self = method == "POST" ? .postWins : .methodNotAllowed(allow: "POST")
        case "/healthz", "/readyz", "/metrics":
            guard get else {
                self = .methodNotAllowed(allow: "GET, HEAD")
                return
            }
            self = path == "/healthz" ? .healthz : path == "/readyz" ? .readyz : .metrics
        default:
            let prefix = "/v1/wins/"
            guard path.hasPrefix(prefix), path.count > prefix.count else {
                self = .notFound
                return
            }
            self = get ? .getWin(reference: String(path.dropFirst(prefix.count))) : .methodNotAllowed(allow: "GET, HEAD")
        }
    }

    /// Whether the request must carry a valid token. The probes stay open to load balancers and Prometheus.
    package var needsToken: Bool {
        switch self {
        case .postWins, .getWin: true
        default: false
        }
    }
}

/// Limits for the HTTP transport as a whole (the config's top-level `transport`
/// block): how many connections the daemon holds open at once and how long an
/// idle one is kept. Each TLS connection holds memory (its TLS session, socket
/// buffers, curl's state), so with hundreds of operators these bound the daemon's RSS.
package struct TransportSettings: Sendable, Hashable {
    /// Connections kept open between calls; nil: twice the calls that can be in
    /// flight (`JackpotConfig.maxConnections`). Beyond it the connection idle the
    /// longest is closed; calls in flight never wait for it.
    package var maxConnections: Int?
    /// An idle connection unused this long is closed rather than reused: below the
    /// 60 s idle timeout common to wallets' load balancers, so a request is not
    /// sent on a connection the server is closing.
    package var idleConnectionSeconds: Double = 50

    package init() {}
}

extension JackpotConfig {
    /// `transport.maxConnections`, or twice the calls that can be in flight at once
    /// (the global `concurrency`, or all operators' together when that is lower), at least 16.
    package var maxConnections: Int {
        transport.maxConnections ?? max(16, 2 * min(globalConcurrency, operators.values.reduce(0) { $0 + $1.concurrency }))
    }
}

import CCurl

/// What the transport sets on the multi handle and on every request to bound
/// the memory its connections hold (measured with a thousand https operators,
/// `jackpotd-bench --only many-operators`):
///
/// - at most `maxConnections` kept open (`transport.maxConnections`): curl's connection
///   cache, which closes the oldest idle connection when a new one would exceed it.
///   Not CURLMOPT_MAX_TOTAL_CONNECTIONS: with libcurl 7.88, calls queued behind that
///   limit could stall until their timeout (50 parallel calls, 8 per host, a limit of 16);
///   so calls in flight beyond the limit get a connection, closed when they are done;
/// - an idle connection is not reused after `idleConnectionSeconds` (`transport.idleConnectionSeconds`);
/// - no TLS session cache: each easy handle kept the sessions (with their tickets
///   and peer chains) of the last 5 hosts it served, so with many operators the
///   pooled handles held thousands of sessions. Measured with libcurl alone, 1 000
///   hosts and 512 connections: 230 MB with the cache, 107 MB without. A new
///   connection then makes a full handshake instead of resuming a session (the
///   bench prints TLS handshakes per 1 000 wins: with kept-alive connections they are rare);
/// - no CA directory besides the CA file. Curl builds the store of a CA file alone
///   once and shares it between connections (its CA cache, curl ≥ 7.87); with a
///   directory as well (Debian's libcurl has /etc/ssl/certs compiled in) it builds
///   one per connection: ~800 KB and ~20 ms of CPU each for the system bundle,
///   measured with libcurl 7.88 and OpenSSL 3.0. An operator's `tls.caFile` then
///   really replaces the system store; without one the file is curl's bundle (on
///   Debian /etc/ssl/certs/ca-certificates.crt, the same CAs as the directory).
package struct CurlConnectionSettings: Sendable {
    package var maxConnections: Int
    package var idleConnectionSeconds: Int

    /// The defaults for a transport whose busiest host has `connectionsPerHost` calls in flight.
    init(connectionsPerHost: Int) {
        maxConnections = max(16, 2 * connectionsPerHost)
        idleConnectionSeconds = 50
    }

    package init(maxConnections: Int, idleConnectionSeconds: Double) {
        self.maxConnections = max(1, maxConnections)
        self.idleConnectionSeconds = max(1, Int(idleConnectionSeconds.rounded()))
    }

    func apply(toMulti multi: UnsafeMutableRawPointer) {
        _ = jk_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
    }

    /// After `CurlExchange.configure`; none of these can make a request fail.
    func apply(toEasy easy: UnsafeMutableRawPointer) {
        _ = jk_easy_setopt_long(easy, CURLOPT_MAXAGE_CONN, idleConnectionSeconds)
        _ = jk_easy_setopt_string(easy, CURLOPT_CAPATH, nil)
        _ = jk_easy_setopt_long(easy, CURLOPT_SSL_SESSIONID_CACHE, 0)
    }
}

import JackpotConfiguration
import OperatorSimulator

/// Operator configs for the loopback operators: plain HTTP allowed, short
/// back-off, the bench's concurrency.
enum BenchOperator {
    static let providerId = "luckymonaco"
    /// The most calls in flight the config allows across all operators (top-level `concurrency`).
    static let maximumGlobalConcurrency = 1024

    static func config(name: String, server: ScriptedOperator, secret: String, concurrency: Int, timeoutSeconds: Double = 5)
        -> OperatorConfig
    {
        config(name: name, url: server.url, secret: secret, concurrency: concurrency, timeoutSeconds: timeoutSeconds)
    }

    static func config(name: String, url: String, secret: String, concurrency: Int, timeoutSeconds: Double = 5) -> OperatorConfig
    {
        var config = OperatorConfig(name: name, url: url, secret: secret)
        config.allowInsecureHTTP = true
        config.timeoutSeconds = timeoutSeconds
        config.concurrency = concurrency
        config.retry.initialDelaySeconds = 0.05
        config.retry.maxDelaySeconds = 0.2
        return config
    }

    /// An https operator at `url` whose certificate `caFile` signed, or one the system store
    /// trusts when nil (plain HTTP refused, as in production).
    static func tlsConfig(name: String, url: String, caFile: String?, secret: String, concurrency: Int) -> OperatorConfig {
        var config = config(name: name, url: url, secret: secret, concurrency: concurrency)
        config.allowInsecureHTTP = false
        config.tls.caFile = caFile
        return config
    }

    /// The daemon's config for `operators`, with a short shutdown grace period so
    /// stopping after a measurement does not wait on hanging calls.
    static func daemonConfig(
        database: String, operators: [OperatorConfig], globalConcurrency: Int = JackpotConfig.defaultGlobalConcurrency
    ) -> JackpotConfig {
        JackpotConfig(
            database: database, providerId: providerId,
            operators: Dictionary(uniqueKeysWithValues: operators.map { ($0.name, $0) }),
            globalConcurrency: globalConcurrency, shutdownGraceSeconds: 3)
    }
}

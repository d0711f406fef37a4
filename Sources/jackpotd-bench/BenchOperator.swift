import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator

/// Operator configs for the loopback operators: plain HTTP allowed, short
/// back-off, the bench's concurrency.
enum BenchOperator {
    static let providerId = "luckymonaco"

    static func config(name: String, server: ScriptedOperator, secret: String, concurrency: Int, timeoutSeconds: Double = 5) -> OperatorConfig {
        config(name: name, url: server.url, secret: secret, concurrency: concurrency, timeoutSeconds: timeoutSeconds)
    }

    static func config(name: String, url: String, secret: String, concurrency: Int, timeoutSeconds: Double = 5) -> OperatorConfig {
        var config = OperatorConfig(name: name, url: url, secret: secret)
        config.allowInsecureHTTP = true
        config.timeoutSeconds = timeoutSeconds
        config.concurrency = concurrency
        config.retry.initialDelaySeconds = 0.05
        config.retry.maxDelaySeconds = 0.2
        return config
    }

    /// The daemon's config for `operators`, with a short shutdown grace period so
    /// stopping after a measurement does not wait on hanging calls.
    static func daemonConfig(database: String, operators: [OperatorConfig]) -> JackpotConfig {
        JackpotConfig(
            database: database, providerId: providerId,
            operators: Dictionary(uniqueKeysWithValues: operators.map { ($0.name, $0) }), shutdownGraceSeconds: 3)
    }
}

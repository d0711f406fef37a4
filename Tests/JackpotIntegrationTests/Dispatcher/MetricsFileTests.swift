import Foundation
import Testing
import JackpotDelivery
import OperatorSimulator
import TestSupport

/// The metrics file (`--metrics-file`) after real deliveries: what
/// node_exporter's textfile collector will read.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct MetricsFileTests {
    @Test func metricsFileCountsDeliveredWinsAndAttempts() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "metrics-secret")
        defer { wallet.stop() }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: "metrics-secret", extra: fastDelivery())
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        try probe.enqueue(winReferences("metric", 20), operator: "casino-a")
        let file = directory.path("jackpotd.prom")
        var settings = Dispatcher.Settings()
        settings.metricsFile = file
        settings.metricsIntervalMilliseconds = 100

        let daemon = try RunningDispatcher(configPath: config, settings: settings)
        let written = await eventually {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return text.contains("jackpotd_wins{operator=\"casino-a\",state=\"delivered\"} 20\n")
                && text.contains("jackpotd_attempts_total{operator=\"casino-a\",outcome=\"delivered\"} 20\n")
        }
        try await daemon.stop()

        #expect(written)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("# TYPE jackpotd_attempts_total counter"))
        #expect(text.contains("jackpotd_attempt_duration_seconds_count{operator=\"casino-a\"} 20\n"))
        #expect(text.contains("jackpotd_oldest_pending_age_seconds{operator=\"casino-a\"} 0\n"))
        #expect(text.contains("jackpotd_circuit_open{operator=\"casino-a\"} 0\n"))
        // Zero series for the states and outcomes that did not occur: alerts on a change need them.
        #expect(text.contains("jackpotd_wins{operator=\"casino-a\",state=\"pending\"} 0\n"))
        #expect(text.contains("jackpotd_wins{operator=\"casino-a\",state=\"failed\"} 0\n"))
        #expect(text.contains("jackpotd_attempts_total{operator=\"casino-a\",outcome=\"failed\"} 0\n"))
        let check = try #require(
            try promtoolCheckMetrics(file), "promtool is not installed (.ci/install-deps installs Debian's prometheus)")
        #expect(check.status == 0, "\(check.output)")
    }
}

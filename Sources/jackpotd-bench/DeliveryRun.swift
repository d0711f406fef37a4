import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator

/// Runs the dispatcher over an outbox until some operators have had a given
/// number of wins delivered.
enum DeliveryRun {
    /// For each operator in `expected`, how long after the dispatcher started
    /// its delivered count reached the expected number (read from the outbox,
    /// as `status` would). Stops the dispatcher afterwards.
    static func deliver(
        databasePath: String, config: JackpotConfig, until expected: [String: Int], timeout: Duration = .seconds(120)
    ) async throws -> [String: Duration] {
        let reader = try Outbox(path: databasePath)
        let start = ContinuousClock.now
        let running = RunningDispatcher(databasePath: databasePath, config: config)
        var reached: [String: Duration] = [:]
        while reached.count < expected.count, ContinuousClock.now - start < timeout {
            for (name, count) in expected where reached[name] == nil {
                let delivered = try reader.database.queryScalar(
                    "SELECT count FROM win_counts WHERE operator = ? AND state = 'delivered'", [.text(name)]
                ).integerValue ?? 0
                if delivered >= count { reached[name] = ContinuousClock.now - start }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        try await running.stop()
        guard reached.count == expected.count else {
            throw BenchFailure("the dispatcher did not deliver \(expected) within \(timeout)")
        }
        return reached
    }
}

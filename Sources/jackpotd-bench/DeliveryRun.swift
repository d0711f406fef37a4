import JackpotConfiguration
import JackpotDelivery
import JackpotStore

/// Runs the dispatcher over an outbox until some operators have had a given
/// number of wins delivered.
enum DeliveryRun {
    /// For each operator in `expected`, how long after the dispatcher started
    /// its delivered count reached the expected number (read from the outbox,
    /// as `status` would). Stops the dispatcher afterwards.
    static func deliver(
        databasePath: String, config: JackpotConfig, until expected: [String: Int], timeout: Duration = .seconds(120),
        transport: (any HTTPTransport)? = nil
    ) async throws -> [String: Duration] {
        let marks = Dictionary(uniqueKeysWithValues: expected.map { ($0.key, [$0.value]) })
        return try await deliver(databasePath: databasePath, config: config, marks: marks, timeout: timeout, transport: transport)
            .mapValues { $0[0] }
    }

    /// The rate at which `operatorName` went from a tenth of `count` delivered to
    /// all of it (the daemon's start-up and first claims left out), and its rate
    /// from the dispatcher's start.
    static func rates(
        databasePath: String, config: JackpotConfig, operator operatorName: String, count: Int
    ) async throws -> (steady: Double, fromStart: Double) {
        let first = count / 10
        let times = try await deliver(
            databasePath: databasePath, config: config, marks: [operatorName: [first, count]], timeout: .seconds(120))[
                operatorName]!
        return (Double(count - first) / (times[1] - times[0]).seconds, Double(count) / times[1].seconds)
    }

    /// For each operator, when its delivered count reached each of its marks (ascending).
    private static func deliver(
        databasePath: String, config: JackpotConfig, marks: [String: [Int]], timeout: Duration,
        transport: (any HTTPTransport)? = nil
    ) async throws -> [String: [Duration]] {
        let reader = try Outbox(path: databasePath)
        let start = ContinuousClock.now
        let running = RunningDispatcher(databasePath: databasePath, config: config, transport: transport)
        var reached: [String: [Duration]] = [:]
        func done() -> Bool { marks.allSatisfy { reached[$0.key]?.count == $0.value.count } }
        while !done(), ContinuousClock.now - start < timeout {
            for (name, counts) in marks where reached[name, default: []].count < counts.count {
                let delivered = Int(
                    try reader.database.queryScalar(
                        "SELECT count FROM win_counts WHERE operator = ? AND state = 'delivered'", [.text(name)]
                    ).integerValue ?? 0)
                let now = ContinuousClock.now - start
                while let next = counts.dropFirst(reached[name, default: []].count).first, delivered >= next {
                    reached[name, default: []].append(now)
                }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        try await running.stop()
        guard done() else {
            throw BenchFailure("the dispatcher did not deliver \(marks.mapValues { $0.last! }) within \(timeout)")
        }
        return reached
    }
}

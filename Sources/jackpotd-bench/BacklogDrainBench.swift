import Foundation
import Synchronization
import JackpotConfiguration
import JackpotStore
import JackpotWire

/// The hour after a wallet outage: a backlog queued for many https operators
/// whose wallets answer 503, then recover and answer in `latency`; meanwhile
/// a few healthy operators keep getting new wins. Judged: the drain rate
/// against what the operators' concurrency allows (in flight / latency, the
/// global limit included), new wins' enqueue → first attempt p99 throughout
/// (from the outbox: `created_at` to the first attempt's `started_at`), and the
/// daemon's peak RSS.
struct BacklogDrainBench {
    let options: BenchOptions
    let scratch: ScratchDirectory
    let secret = "bench-secret-backlog"
    static let latencyMilliseconds = 50
    static let healthyOperators = 10
    static let perOperatorConcurrency = 4
    /// One new win for a healthy operator this often, all through the run.
    static let newWinInterval = Duration.milliseconds(20)

    func run() async throws -> [Figure] {
        let count = options.backlogOperators
        let total = options.backlogWins
        let perOperator = max(1, total / count)
        let outage = try NginxWallet(
            addresses: NginxWallet.loopbackAddresses(count), latencyMilliseconds: Self.latencyMilliseconds,
            in: try scratch.subdirectory("backlog-wallets"))
        defer { outage.stop() }
        let healthy = try NginxWallet(
            addresses: ["127.0.0.1"], latencyMilliseconds: Self.latencyMilliseconds,
            in: try scratch.subdirectory("healthy-wallets"))
        defer { healthy.stop() }
        try outage.setDown(true)

        let directory = try scratch.subdirectory("backlog")
        let database = directory + "/outbox.sqlite3"
        let backlogged = outage.addresses.enumerated().map { index, address in
            BenchOperator.tlsConfig(
                name: "down\(index)", url: outage.url(address), caFile: outage.certificates.caFile,
                secret: secret, concurrency: Self.perOperatorConcurrency)
        }
        let fine = (0..<Self.healthyOperators).map {
            BenchOperator.tlsConfig(
                name: "healthy\($0)", url: healthy.url("127.0.0.1"), caFile: healthy.certificates.caFile,
                secret: secret, concurrency: Self.perOperatorConcurrency)
        }
        let inFlight = (count + Self.healthyOperators) * Self.perOperatorConcurrency
        let globalConcurrency = min(BenchOperator.maximumGlobalConcurrency, inFlight)
        let config = BenchOperator.daemonConfig(
            database: database, operators: backlogged + fine, globalConcurrency: globalConcurrency)

        let writer = try Outbox(path: database)
        let (_, enqueueTime) = try timed {
            for chunk in stride(from: 0, to: backlogged.count, by: 50) {
                var wins: [NewWin] = []
                for op in backlogged[chunk..<min(chunk + 50, backlogged.count)] {
                    wins += SampleWins.make(
                        count: perOperator, operator: op.name, prefix: "backlog-", now: WallClock.nowMilliseconds())
                }
                _ = try writer.enqueue(wins, operatorsChecked: true)
            }
        }
        BenchMain.progress("backlog: \(perOperator * count) wins queued in \(BenchReport.format(enqueueTime.seconds)) s")
        let backlog = perOperator * count

        let daemon = try await ChildDaemon(config: config, in: directory)
        let newWins = Task { try await enqueueNewWins(for: fine.map(\.name), into: database) }
        try await Task.sleep(for: options.outageDuration)

        try outage.setDown(false)
        let recovered = ContinuousClock.now
        let recoveredAt = WallClock.nowMilliseconds()
        var marks: [Duration] = []  // at 10 %, 90 % and 100 % of the backlog delivered
        let thresholds = [backlog / 10, backlog * 9 / 10, backlog]
        var cpuAtMarks: [Duration] = []
        while marks.count < thresholds.count {
            guard ContinuousClock.now - recovered < .seconds(3_600) else {
                throw BenchFailure("the backlog did not drain within an hour")
            }
            let delivered = try daemon.deliveredInAll() - (try healthyDelivered(daemon, fine))
            while marks.count < thresholds.count, delivered >= thresholds[marks.count] {
                marks.append(ContinuousClock.now - recovered)
                cpuAtMarks.append(try daemon.cpuTime())
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        newWins.cancel()
        let injected = try await newWins.value
        // The last new wins get their first attempt; a win still without one when the
        // wait ends counts with its wait so far (a lower bound), so starvation shows.
        let waitEnd = ContinuousClock.now + .seconds(10)
        while try unattempted(database: database) > 0, ContinuousClock.now < waitEnd {
            try await Task.sleep(for: .milliseconds(100))
        }
        let attempts = try firstAttemptWaits(database: database, until: WallClock.nowMilliseconds())
        let neverAttempted = try unattempted(database: database)
        let memory = try daemon.memory()
        try daemon.stop()

        guard attempts.count == injected else {
            throw BenchFailure("\(injected) new wins for healthy operators, \(attempts.count) in the outbox")
        }
        let waits = attempts.map(\.wait)
        let p99 = Measurements.percentile(waits, 0.99)
        let duringOutage = attempts.filter { $0.enqueuedAt < recoveredAt }.map(\.wait)
        let duringDrain = attempts.filter { $0.enqueuedAt >= recoveredAt }.map(\.wait)
        let drainRate = Double(thresholds[1] - thresholds[0]) / (marks[1] - marks[0]).seconds
        let allowed = Double(globalConcurrency) / (Double(Self.latencyMilliseconds) / 1000)
        let ratio = drainRate / allowed
        let cpuPerWin = (cpuAtMarks[1] - cpuAtMarks[0]).seconds * 1e6 / Double(thresholds[1] - thresholds[0])
        let scale = "\(backlog) wins, \(count) operators, \(Self.latencyMilliseconds) ms wallets"
        return [
            Figure(
                "backlog drain after an outage (\(scale); 10 % → 90 %)", value: drainRate, unit: "wins/s",
                baselineName: "allowed: \(globalConcurrency) in flight / \(Self.latencyMilliseconds) ms", baseline: allowed,
                ratio: ratio, target: "ratio ≥ 0.90", met: ratio >= 0.9),
            Figure("  daemon CPU per win while draining", value: cpuPerWin, unit: "µs"),
            Figure(
                "  the rate one whole core allows at that CPU per win", value: 1e6 / cpuPerWin, unit: "wins/s",
                baselineName: "allowed by concurrency", baseline: allowed, ratio: 1e6 / cpuPerWin / allowed),
            Figure("  recovery → backlog drained", value: marks[2].seconds, unit: "s"),
            Figure(
                "  healthy operators: enqueue → first attempt, p99 (\(waits.count) wins, \(neverAttempted) never attempted)",
                value: p99, unit: "ms",
                baselineName: "median", baseline: Measurements.median(waits), target: "≤ 1 000 ms", met: p99 <= 1_000),
            Figure(
                "    during the outage, p99 (\(duringOutage.count) wins)", value: Measurements.percentile(duringOutage, 0.99),
                unit: "ms"),
            Figure(
                "    during the drain, p99 (\(duringDrain.count) wins)", value: Measurements.percentile(duringDrain, 0.99),
                unit: "ms"),
            Figure("  peak RSS through outage and drain", value: Double(memory.peak) / 1024, unit: "MB"),
        ]
    }

    /// Healthy operators' wins without any attempt yet.
    private func unattempted(database: String) throws -> Int {
        Int(
            try Outbox(path: database).database.queryScalar(
                """
                SELECT count(*) FROM wins w WHERE w.operator LIKE 'healthy%' AND w.attempts = 0
                AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.win_id = w.id)
                """
            ).integerValue ?? 0)
    }

    private func healthyDelivered(_ daemon: ChildDaemon, _ operators: [OperatorConfig]) throws -> Int {
        try operators.reduce(0) { $0 + (try daemon.delivered($1.name)) }
    }

    /// One win at a time for the healthy operators in turn until cancelled; how many.
    private func enqueueNewWins(for names: [String], into database: String) async throws -> Int {
        let writer = try Outbox(path: database)
        var count = 0
        while !Task.isCancelled {
            let name = names[count % names.count]
            _ = try writer.enqueue(
                SampleWins.make(count: 1, operator: name, prefix: "new\(count)-", now: WallClock.nowMilliseconds()),
                operatorsChecked: true)
            count += 1
            try? await Task.sleep(for: Self.newWinInterval)
        }
        return count
    }

    /// When each healthy operator's win was enqueued (wall ms) and how long until its first
    /// attempt (ms); a win not attempted yet counts as waiting until `end`.
    private func firstAttemptWaits(database: String, until end: Int64) throws -> [(enqueuedAt: Int64, wait: Double)] {
        let rows = try Outbox(path: database).database.query(
            """
            SELECT w.created_at AS enqueued, coalesce(min(a.started_at), ?) - w.created_at AS wait FROM wins w
            LEFT JOIN attempts a ON a.win_id = w.id WHERE w.operator LIKE 'healthy%' GROUP BY w.id
            """, [.integer(end)])
        return rows.compactMap { row in
            guard let enqueued = row.int64("enqueued"), let wait = row.int64("wait") else { return nil }
            return (enqueued, Double(wait))
        }
    }
}

import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotWire

/// A config of thousands of operators of which two are busy, run by `jackpotd
/// run` as a child: how long it takes to start (spawn to its first metrics
/// file), what it holds idle, how long `check` and `status` take on that
/// config (each a process of its own, as an operator runs them), and fairness:
/// while one operator drains a large backlog, another's 4 new wins are all
/// delivered within a bound.
struct ManyConfiguredBench {
    let options: BenchOptions
    let scratch: ScratchDirectory
    let secret = "bench-secret-configured"
    /// The fairness bound judged: a small batch behind a large backlog of another operator
    /// is delivered within the bound new wins get during a backlog drain (first attempt ≤ 1 s).
    static let fairnessBoundMilliseconds = 1_000.0
    static let fairnessSamples = 5

    func run() async throws -> [Figure] {
        let count = options.configuredOperators
        let wallet = try NginxWallet(addresses: ["127.0.0.1"], in: try scratch.subdirectory("configured-wallet"))
        defer { wallet.stop() }
        let directory = try scratch.subdirectory("many-configured")
        let url = wallet.url("127.0.0.1")
        let caFile = wallet.certificates.caFile
        // The idle ones are public wallets (the system store, no tls.caFile of their own), as most
        // of an aggregator's operators are; they are never called.
        var operators = (0..<(count - 2)).map {
            BenchOperator.tlsConfig(
                name: "op\($0)", url: "https://wallet-\($0).casino.example/credit", caFile: nil, secret: secret, concurrency: 4)
        }
        let draining = BenchOperator.tlsConfig(
            name: "draining", url: url, caFile: caFile, secret: secret, concurrency: options.concurrency)
        let small = BenchOperator.tlsConfig(name: "small", url: url, caFile: caFile, secret: secret, concurrency: 4)
        operators += [draining, small]
        let config = BenchOperator.daemonConfig(database: directory + "/outbox.sqlite3", operators: operators)

        let spawned = ContinuousClock.now
        let (daemon, firstMetrics) = try await timedAsync { try await ChildDaemon(config: config, in: directory) }
        // Started means the config applied (the first metrics file comes before that).
        try await daemon.waitForConfigApplied()
        let startup = ContinuousClock.now - spawned
        // Idle means every lane's metrics series in place too (the next metrics refresh), then 2 s.
        try await daemon.waitForMetrics(naming: small.name)
        try await Task.sleep(for: .seconds(2))
        let idle = try daemon.memory()
        let checks = try (0..<3).map { _ in try command(["check", "--config", daemon.configPath], in: directory) }
        let statuses = try (0..<3).map { _ in try command(["status", "--config", daemon.configPath], in: directory) }
        let everyRow = try (0..<3).map { _ in try command(["status", "--all", "--config", daemon.configPath], in: directory) }

        _ = try daemon.outbox.enqueue(
            SampleWins.make(
                count: options.fairnessDrainWins, operator: draining.name, prefix: "drain-", now: WallClock.nowMilliseconds()),
            operatorsChecked: true)
        while try daemon.delivered(draining.name) < min(1_000, options.fairnessDrainWins / 10) {
            try await Task.sleep(for: .milliseconds(10))
        }
        var waits: [Double] = []
        for sample in 0..<Self.fairnessSamples {
            let batch = SampleWins.make(
                count: 4, operator: small.name, prefix: "small\(sample)-", now: WallClock.nowMilliseconds())
            _ = try daemon.outbox.enqueue(batch, operatorsChecked: true)
            let enqueued = ContinuousClock.now
            while try daemon.delivered(small.name) < 4 * (sample + 1) {
                guard ContinuousClock.now - enqueued < .seconds(60) else {
                    throw BenchFailure("4 wins not delivered within 60 s")
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            waits.append((ContinuousClock.now - enqueued).milliseconds)
            try await Task.sleep(for: .milliseconds(200))
        }
        let stillDraining = options.fairnessDrainWins - (try daemon.delivered(draining.name))
        guard stillDraining > 0 else {
            throw BenchFailure("the draining operator finished before the fairness samples did: the samples prove nothing")
        }
        let busy = try daemon.memory()
        try daemon.stop()

        let idleMB = Double(idle.resident) / 1024
        let statusMs = Measurements.median(statuses.map(\.wall))
        let worstWait = waits.max() ?? 0
        return [
            Figure(
                "\(count)-operator config: start-up (spawn → config applied, its log line)",
                value: startup.seconds, unit: "s", target: "≤ 2 s", met: startup.seconds <= 2),
            Figure("  spawn → first metrics file (before the config is applied)", value: firstMetrics.seconds, unit: "s"),
            Figure("  idle RSS, \(count) operators", value: idleMB, unit: "MB", target: "≤ 60 MB", met: idleMB <= 60),
            Figure(
                "  `jackpotd check` on it (a process, wall, median of 3)", value: Measurements.median(checks.map(\.wall)),
                unit: "ms",
                baselineName: "its CPU", baseline: Measurements.median(checks.map(\.cpu))),
            Figure(
                "  `jackpotd status` on it (a process, wall, median of 3)", value: statusMs, unit: "ms",
                baselineName: "its CPU", baseline: Measurements.median(statuses.map(\.cpu)),
                target: "≤ 200 ms", met: statusMs <= 200),
            Figure(
                "  `jackpotd status --all` on it (a row per operator)", value: Measurements.median(everyRow.map(\.wall)),
                unit: "ms",
                baselineName: "its CPU", baseline: Measurements.median(everyRow.map(\.cpu))),
            Figure(
                "  4 wins of one operator while another drains \(options.fairnessDrainWins) (worst of \(Self.fairnessSamples))",
                value: worstWait, unit: "ms", baselineName: "median", baseline: Measurements.median(waits),
                target: "≤ \(Int(Self.fairnessBoundMilliseconds)) ms", met: worstWait <= Self.fairnessBoundMilliseconds),
            Figure("  RSS while one operator drains", value: Double(busy.resident) / 1024, unit: "MB"),
        ]
    }

    /// Runs `jackpotd ARGUMENTS` to its exit; its wall and CPU time in ms (exit 0 required).
    private func command(_ arguments: [String], in directory: String) throws -> (wall: Double, cpu: Double) {
        let cpuBefore = ProcessCPU.exitedChildren()
        let (status, elapsed) = try timed {
            try JackpotdChild(
                arguments, logPath: directory + "/\(arguments[0]).log", outputPath: directory + "/\(arguments[0]).out"
            ).waitForExit()
        }
        guard status == 0 else {
            throw BenchFailure(
                "jackpotd \(arguments.joined(separator: " ")) exited \(status); see \(directory)/\(arguments[0]).log")
        }
        return (elapsed.milliseconds, (ProcessCPU.exitedChildren() - cpuBefore).milliseconds)
    }
}

import JackpotConfiguration
import JackpotStore
import JackpotWire
import OperatorSimulator

/// Wins per second from `pending` to `delivered` through the real dispatcher
/// (from the first tenth delivered to the last; its rate from start-up is shown too),
/// against a bare libcurl-multi loop posting the same bodies to the same kind of
/// operator with the same concurrency. Rounds alternate the three loops, each
/// with a fresh operator and database, and the medians are compared.
struct DispatchThroughputBench {
    let options: BenchOptions
    let scratch: ScratchDirectory
    let secret = "bench-secret-a"

    /// One loop's result: its rate and the process CPU it took per win.
    struct Run {
        /// Wins per second; the dispatcher's from the first tenth delivered to the last, start-up left out.
        var rate: Double
        var cpuMicrosecondsPerWin: Double
        /// The dispatcher's rate from its start: opening the outbox and the first
        /// pass over the new rows (every win validated once) included.
        var rateFromStart: Double?
    }

    func run() async throws -> [Figure] {
        var bare: [Run] = []
        var transport: [Run] = []
        var dispatcher: [Run] = []
        for round in 1...options.dispatchRounds {
            bare.append(try await loop(round: round, throughTransport: false))
            transport.append(try await loop(round: round, throughTransport: true))
            dispatcher.append(try await dispatcherRun(round: round))
        }
        func median(_ runs: [Run], _ value: (Run) -> Double) -> Double { Measurements.median(runs.map(value)) }
        let bareRate = median(bare, \.rate)
        let dispatcherRate = median(dispatcher, \.rate)
        let transportRate = median(transport, \.rate)
        let fromStartRate = Measurements.median(dispatcher.compactMap(\.rateFromStart))
        let ratio = dispatcherRate / bareRate
        let baselineName = "bare libcurl-multi loop, \(options.concurrency) in flight"
        let bareCPU = median(bare, \.cpuMicrosecondsPerWin)
        return [
            Figure(
                "dispatch throughput (\(options.dispatchWins) wins, \(options.concurrency) in flight)",
                value: dispatcherRate, unit: "wins/s", baselineName: baselineName, baseline: bareRate,
                ratio: ratio, target: "ratio ≥ 0.50", met: ratio >= 0.5),
            Figure(
                "  dispatcher from its start (start-up and first pass over the rows)",
                value: fromStartRate, unit: "wins/s", baselineName: baselineName, baseline: bareRate,
                ratio: fromStartRate / bareRate),
            Figure(
                "  CurlTransport loop, no database", value: transportRate, unit: "wins/s",
                baselineName: baselineName, baseline: bareRate, ratio: transportRate / bareRate),
            Figure("  CPU per win, bare loop (client + operator)", value: bareCPU, unit: "µs"),
            Figure(
                "  CPU per win, dispatcher (client + operator)", value: median(dispatcher, \.cpuMicrosecondsPerWin), unit: "µs",
                baselineName: "bare loop", baseline: bareCPU, ratio: median(dispatcher, \.cpuMicrosecondsPerWin) / bareCPU),
            Figure(
                "  CPU per win, CurlTransport loop", value: median(transport, \.cpuMicrosecondsPerWin), unit: "µs",
                baselineName: "bare loop", baseline: bareCPU, ratio: median(transport, \.cpuMicrosecondsPerWin) / bareCPU),
        ]
    }

    private func operatorConfig(_ server: ScriptedOperator) -> OperatorConfig {
        BenchOperator.config(name: "casino-a", server: server, secret: secret, concurrency: options.concurrency)
    }

    /// The bare loop (or the transport loop) against a fresh operator.
    private func loop(round: Int, throughTransport: Bool) async throws -> Run {
        let server = try ScriptedOperator(secret: secret)
        defer { server.stop() }
        let config = operatorConfig(server)
        let wins = SampleWins.make(
            count: options.dispatchWins, operator: config.name, prefix: throughTransport ? "transport\(round)-" : "bare\(round)-",
            now: WallClock.nowMilliseconds())
        let requests = try wins.map {
            try WireRequest.build(win: $0.win, providerId: BenchOperator.providerId, operator: config).http
        }
        let ((_, failures), elapsed, cpu) = await ProcessCPU.measure {
            throughTransport
                ? await BareCurlLoop.postThroughTransport(
                    requests, concurrency: options.concurrency, timeoutSeconds: config.timeoutSeconds)
                : await BareCurlLoop.post(requests, concurrency: options.concurrency, timeoutSeconds: config.timeoutSeconds)
        }
        let credited = server.snapshot.credited
        guard failures == 0, credited == wins.count else {
            throw BenchFailure("baseline loop: \(failures) failed calls, \(credited) of \(wins.count) credited")
        }
        return Run(rate: Double(wins.count) / elapsed.seconds, cpuMicrosecondsPerWin: cpu.seconds * 1e6 / Double(wins.count))
    }

    /// The dispatcher against a fresh operator and a fresh outbox holding the wins, all due,
    /// stored as `jackpotd enqueue --config` stores them (validated).
    private func dispatcherRun(round: Int) async throws -> Run {
        let directory = try scratch.subdirectory("dispatch-\(round)")
        let server = try ScriptedOperator(secret: secret)
        defer { server.stop() }
        let operatorConfig = operatorConfig(server)
        let database = directory + "/outbox.sqlite3"
        let config = BenchOperator.daemonConfig(database: database, operators: [operatorConfig])
        let wins = SampleWins.make(
            count: options.dispatchWins, operator: operatorConfig.name, prefix: "dispatch\(round)-",
            now: WallClock.nowMilliseconds())
        _ = try Outbox(path: database).enqueue(wins, operatorsChecked: true)
        let (rates, _, cpu) = try await ProcessCPU.measure {
            try await DeliveryRun.rates(databasePath: database, config: config, operator: operatorConfig.name, count: wins.count)
        }
        let snapshot = server.snapshot
        guard snapshot.credited == wins.count, snapshot.hashFailures == 0 else {
            throw BenchFailure(
                "dispatcher: operator credited \(snapshot.credited) of \(wins.count), \(snapshot.hashFailures) bad hashes")
        }
        return Run(
            rate: rates.steady, cpuMicrosecondsPerWin: cpu.seconds * 1e6 / Double(wins.count), rateFromStart: rates.fromStart)
    }
}

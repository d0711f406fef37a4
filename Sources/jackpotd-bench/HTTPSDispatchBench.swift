import JackpotConfiguration
import JackpotStore
import JackpotWire

/// Dispatch throughput over TLS, as production runs: one https operator (nginx
/// on loopback, a private CA the daemon trusts through `tls.caFile`), against a
/// bare libcurl-multi loop posting the same bodies over the same TLS with the
/// same concurrency. Both the client's CPU per win (this process; nginx is a
/// process of its own) and the TLS connections opened per 1 000 wins (nginx's
/// access log) are shown: keep-alive must hold, so a handshake per call would
/// show as ~1 000.
struct HTTPSDispatchBench {
    let options: BenchOptions
    let scratch: ScratchDirectory
    let secret = "bench-secret-a"

    struct Run {
        var rate: Double
        var cpuMicrosecondsPerWin: Double
        var connectionsPerThousand: Double
    }

    func run() async throws -> [Figure] {
        let wallet = try NginxWallet(addresses: ["127.0.0.1"], in: try scratch.subdirectory("https-wallet"))
        defer { wallet.stop() }
        let config = BenchOperator.tlsConfig(
            name: "casino-tls", url: wallet.url("127.0.0.1"), caFile: wallet.certificates.caFile, secret: secret,
            concurrency: options.concurrency)
        var bare: [Run] = []
        var dispatcher: [Run] = []
        for round in 1...options.dispatchRounds {
            bare.append(try await bareRun(round: round, config: config, wallet: wallet))
            dispatcher.append(try await dispatcherRun(round: round, config: config, wallet: wallet))
        }
        func median(_ runs: [Run], _ value: (Run) -> Double) -> Double { Measurements.median(runs.map(value)) }
        let bareRate = median(bare, \.rate)
        let dispatcherRate = median(dispatcher, \.rate)
        let bareCPU = median(bare, \.cpuMicrosecondsPerWin)
        let dispatcherCPU = median(dispatcher, \.cpuMicrosecondsPerWin)
        let ratio = dispatcherRate / bareRate
        let baselineName = "bare libcurl-multi loop over the same TLS, \(options.concurrency) in flight"
        return [
            Figure(
                "HTTPS dispatch throughput (\(options.dispatchWins) wins, \(options.concurrency) in flight, nginx)",
                value: dispatcherRate, unit: "wins/s", baselineName: baselineName, baseline: bareRate,
                ratio: ratio, target: "ratio ≥ 0.50", met: ratio >= 0.5),
            Figure("  HTTPS CPU per win, bare loop (client only)", value: bareCPU, unit: "µs"),
            Figure(
                "  HTTPS CPU per win, dispatcher (client only)", value: dispatcherCPU, unit: "µs",
                baselineName: "bare loop", baseline: bareCPU, ratio: dispatcherCPU / bareCPU),
            Figure("  TLS handshakes per 1 000 wins, bare loop", value: median(bare, \.connectionsPerThousand), unit: ""),
            Figure(
                "  TLS handshakes per 1 000 wins, dispatcher", value: median(dispatcher, \.connectionsPerThousand), unit: "",
                target: "≤ 10 (connections reused)", met: median(dispatcher, \.connectionsPerThousand) <= 10),
        ]
    }

    private func bareRun(round: Int, config: OperatorConfig, wallet: NginxWallet) async throws -> Run {
        let wins = SampleWins.make(
            count: options.dispatchWins, operator: config.name, prefix: "tls-bare\(round)-", now: WallClock.nowMilliseconds())
        let requests = try wins.map {
            try WireRequest.build(win: $0.win, providerId: BenchOperator.providerId, operator: config).http
        }
        _ = try wallet.tally()
        let ((elapsed, failures), _, cpu) = await ProcessCPU.measure {
            await BareCurlLoop.post(
                requests, concurrency: options.concurrency, timeoutSeconds: config.timeoutSeconds, caFile: config.tls.caFile)
        }
        let tally = try wallet.tally()
        guard failures == 0, tally.successes == wins.count else {
            throw BenchFailure(
                "bare TLS loop: \(failures) failed calls, nginx answered \(tally.successes) of \(wins.count) with 200")
        }
        return Run(
            rate: Double(wins.count) / elapsed.seconds, cpuMicrosecondsPerWin: cpu.seconds * 1e6 / Double(wins.count),
            connectionsPerThousand: tally.connectionsPerThousand)
    }

    private func dispatcherRun(round: Int, config operatorConfig: OperatorConfig, wallet: NginxWallet) async throws -> Run {
        let directory = try scratch.subdirectory("https-dispatch-\(round)")
        let database = directory + "/outbox.sqlite3"
        let config = BenchOperator.daemonConfig(database: database, operators: [operatorConfig])
        let wins = SampleWins.make(
            count: options.dispatchWins, operator: operatorConfig.name, prefix: "tls-dispatch\(round)-",
            now: WallClock.nowMilliseconds())
        _ = try Outbox(path: database).enqueue(wins, operatorsChecked: true)
        _ = try wallet.tally()
        let (rates, _, cpu) = try await ProcessCPU.measure {
            try await DeliveryRun.rates(databasePath: database, config: config, operator: operatorConfig.name, count: wins.count)
        }
        let tally = try wallet.tally()
        guard tally.successes == wins.count else {
            throw BenchFailure("dispatcher over TLS: nginx answered \(tally.successes) calls with 200 for \(wins.count) wins")
        }
        return Run(
            rate: rates.steady, cpuMicrosecondsPerWin: cpu.seconds * 1e6 / Double(wins.count),
            connectionsPerThousand: tally.connectionsPerThousand)
    }
}

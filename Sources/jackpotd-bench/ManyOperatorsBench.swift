import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotWire

/// An aggregator's shape: many https operators on distinct loopback addresses
/// (one nginx listening on all of them), 4 calls in flight each, all busy at
/// once, delivered by `jackpotd run` as a child process so its memory is its
/// own. Peak RSS is judged; the memory per TLS connection is the peak above the
/// idle daemon (same config, empty outbox) divided by the most connections open.
/// Run twice: with the default connection limit and with `transport.maxConnections`
/// at the global concurrency (fewer idle connections kept, more handshakes).
struct ManyOperatorsBench {
    let options: BenchOptions
    let scratch: ScratchDirectory
    let secret = "bench-secret-many"
    static let perOperatorConcurrency = 4

    /// One run's results.
    struct Run {
        var idle: JackpotdChild.Memory
        var busy: JackpotdChild.Memory
        var mostOpen: Int
        var rate: Double
        var cpuMicrosecondsPerWin: Double
        var handshakesPerThousand: Double

        var peakMB: Double { Double(busy.peak) / 1024 }
        var perConnectionKB: Double { mostOpen == 0 ? 0 : Double(busy.peak - idle.resident) / Double(mostOpen) }
    }

    func run() async throws -> [Figure] {
        let count = options.manyOperators
        let addresses = NginxWallet.loopbackAddresses(count)
        let wallet = try NginxWallet(addresses: addresses, in: try scratch.subdirectory("many-wallet"))
        defer { wallet.stop() }
        let globalConcurrency = min(BenchOperator.maximumGlobalConcurrency, count * Self.perOperatorConcurrency)
        let wins = count * options.manyOperatorWins
        let standard = try await run(wallet: wallet, globalConcurrency: globalConcurrency, maxConnections: nil)
        // The documented way to trade handshakes for memory: no more connections than calls in flight.
        let capped = try await run(wallet: wallet, globalConcurrency: globalConcurrency, maxConnections: globalConcurrency)
        let scale =
            "\(count) https operators × \(Self.perOperatorConcurrency) in flight, global \(globalConcurrency), \(wins) wins"
        var figures: [Figure] = []
        for (label, run) in [
            ("default transport.maxConnections", standard), ("transport.maxConnections \(globalConcurrency)", capped),
        ] {
            figures += [
                Figure(
                    "peak RSS, \(scale), \(label)", value: run.peakMB, unit: "MB",
                    baselineName: "idle daemon, same config", baseline: Double(run.idle.resident) / 1024,
                    target: count >= 1_000 ? "≤ 200 MB" : nil, met: count >= 1_000 ? run.peakMB <= 200 : nil),
                Figure("  most TLS connections open at once", value: Double(run.mostOpen), unit: ""),
                Figure("  memory per TLS connection ((peak − idle) / most open)", value: run.perConnectionKB, unit: "KB"),
                Figure("  delivery rate", value: run.rate, unit: "wins/s"),
                Figure("  daemon CPU per win", value: run.cpuMicrosecondsPerWin, unit: "µs"),
                Figure(
                    "  TLS handshakes per 1 000 wins", value: run.handshakesPerThousand, unit: "",
                    baselineName: "one per operator's connection",
                    baseline: Double(count * Self.perOperatorConcurrency) * 1000 / Double(wins)),
            ]
        }
        return figures
    }

    private func run(wallet: NginxWallet, globalConcurrency: Int, maxConnections: Int?) async throws -> Run {
        let directory = try scratch.subdirectory("many-operators-\(maxConnections.map(String.init) ?? "default")")
        let operators = wallet.addresses.enumerated().map { index, address in
            BenchOperator.tlsConfig(
                name: "op\(index)", url: wallet.url(address), caFile: wallet.certificates.caFile, secret: secret,
                concurrency: Self.perOperatorConcurrency)
        }
        var config = BenchOperator.daemonConfig(
            database: directory + "/outbox.sqlite3", operators: operators, globalConcurrency: globalConcurrency)
        config.transport.maxConnections = maxConnections
        let daemon = try await ChildDaemon(config: config, in: directory)
        try await Task.sleep(for: .seconds(1))
        let idle = try daemon.memory()

        var wins: [NewWin] = []
        for op in operators {
            wins += SampleWins.make(
                count: options.manyOperatorWins, operator: op.name, prefix: "many-", now: WallClock.nowMilliseconds())
        }
        _ = try wallet.tally()
        let cpuBefore = try daemon.cpuTime()
        let start = ContinuousClock.now
        _ = try daemon.outbox.enqueue(wins, operatorsChecked: true)
        var mostOpen = 0
        while try daemon.deliveredInAll() < wins.count {
            guard ContinuousClock.now - start < .seconds(900) else {
                throw BenchFailure(
                    "\(operators.count) operators: \(try daemon.deliveredInAll()) of \(wins.count) delivered in 900 s")
            }
            mostOpen = max(mostOpen, LoopbackConnections.established(toPortOnAnyAddress: wallet.port))
            try await Task.sleep(for: .milliseconds(100))
        }
        let elapsed = ContinuousClock.now - start
        let cpu = try daemon.cpuTime() - cpuBefore
        let busy = try daemon.memory()
        let tally = try wallet.tally()
        try daemon.stop()
        return Run(
            idle: idle, busy: busy, mostOpen: mostOpen, rate: Double(wins.count) / elapsed.seconds,
            cpuMicrosecondsPerWin: cpu.seconds * 1e6 / Double(wins.count), handshakesPerThousand: tally.connectionsPerThousand)
    }
}

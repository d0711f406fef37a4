import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotWire

/// An aggregator's shape: many https operators on distinct loopback addresses
/// (one nginx listening on all of them), 4 calls in flight each, all busy at
/// once, delivered by `jackpotd run` as a child process so its memory is its
/// own. Peak RSS is judged; the memory per TLS connection is the peak above the
/// idle daemon (same config, empty outbox) divided by the most connections open.
struct ManyOperatorsBench {
    let options: BenchOptions
    let scratch: ScratchDirectory
    let secret = "bench-secret-many"
    static let perOperatorConcurrency = 4

    func run() async throws -> [Figure] {
        let count = options.manyOperators
        let addresses = NginxWallet.loopbackAddresses(count)
        let wallet = try NginxWallet(addresses: addresses, in: try scratch.subdirectory("many-wallet"))
        defer { wallet.stop() }
        let directory = try scratch.subdirectory("many-operators")
        let operators = addresses.enumerated().map { index, address in
            BenchOperator.tlsConfig(
                name: "op\(index)", url: wallet.url(address), caFile: wallet.certificates.caFile, secret: secret,
                concurrency: Self.perOperatorConcurrency)
        }
        let globalConcurrency = min(BenchOperator.maximumGlobalConcurrency, count * Self.perOperatorConcurrency)
        let config = BenchOperator.daemonConfig(
            database: directory + "/outbox.sqlite3", operators: operators, globalConcurrency: globalConcurrency)
        let daemon = try await ChildDaemon(config: config, in: directory)
        try await Task.sleep(for: .seconds(1))
        let idle = try daemon.memory()

        var wins: [NewWin] = []
        for op in operators {
            wins += SampleWins.make(count: options.manyOperatorWins, operator: op.name, prefix: "many-", now: WallClock.nowMilliseconds())
        }
        _ = try wallet.tally()
        let cpuBefore = try daemon.cpuTime()
        let start = ContinuousClock.now
        _ = try daemon.outbox.enqueue(wins, operatorsChecked: true)
        var mostOpen = 0
        while try daemon.deliveredInAll() < wins.count {
            guard ContinuousClock.now - start < .seconds(600) else {
                throw BenchFailure("\(count) operators: \(try daemon.deliveredInAll()) of \(wins.count) delivered in 600 s")
            }
            mostOpen = max(mostOpen, LoopbackConnections.established(toPortOnAnyAddress: wallet.port))
            try await Task.sleep(for: .milliseconds(100))
        }
        let elapsed = ContinuousClock.now - start
        let cpu = try daemon.cpuTime() - cpuBefore
        let busy = try daemon.memory()
        let tally = try wallet.tally()
        try daemon.stop()

        let peakMB = Double(busy.peak) / 1024
        let perConnectionKB = mostOpen == 0 ? 0 : Double(busy.peak - idle.resident) / Double(mostOpen)
        let rate = Double(wins.count) / elapsed.seconds
        let scale = "\(count) https operators × \(Self.perOperatorConcurrency) in flight, global \(globalConcurrency)"
        return [
            Figure("peak RSS, \(scale), \(wins.count) wins", value: peakMB, unit: "MB",
                   baselineName: "idle daemon, same config", baseline: Double(idle.resident) / 1024,
                   target: count >= 1_000 ? "≤ 200 MB" : nil, met: count >= 1_000 ? peakMB <= 200 : nil),
            Figure("  most TLS connections open at once", value: Double(mostOpen), unit: ""),
            Figure("  memory per TLS connection ((peak − idle) / most open)", value: perConnectionKB, unit: "KB"),
            Figure("  delivery rate, \(count) operators", value: rate, unit: "wins/s"),
            Figure("  daemon CPU per win", value: cpu.seconds * 1e6 / Double(wins.count), unit: "µs"),
            Figure("  TLS handshakes per 1 000 wins", value: tally.connectionsPerThousand, unit: "",
                   baselineName: "at least one per connection: \(count * Self.perOperatorConcurrency) for \(wins.count) wins",
                   baseline: Double(count * Self.perOperatorConcurrency) * 1000 / Double(wins.count)),
        ]
    }
}

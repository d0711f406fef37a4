import Synchronization
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotWire
import OperatorSimulator

/// Enqueue → first attempt on an idle daemon: a separate writer connection
/// enqueues one win at a time, with pauses, and the operator notes when each
/// request arrives. Latency runs from the moment `enqueue` returned (the win
/// is committed and visible to the daemon) to the request's arrival.
struct FirstAttemptBench {
    let options: BenchOptions
    let scratch: ScratchDirectory
    let secret = "bench-secret-a"

    func run() async throws -> [Figure] {
        let directory = try scratch.subdirectory("first-attempt")
        let server = try ScriptedOperator(secret: secret)
        defer { server.stop() }
        let arrivals = ArrivalLog()
        server.setFaultPlan { _ in
            arrivals.note()
            return nil
        }
        let operatorConfig = BenchOperator.config(name: "casino-a", server: server, secret: secret, concurrency: 4)
        let roundTrips = try await httpRoundTrips(operatorConfig, count: min(100, options.firstAttemptSamples))
        arrivals.clear()

        let database = directory + "/outbox.sqlite3"
        let writer = try Outbox(path: database)
        let config = BenchOperator.daemonConfig(database: database, operators: [operatorConfig])
        let daemon = RunningDispatcher(databasePath: database, config: config)
        try await Task.sleep(for: .milliseconds(300))  // first housekeeping done: the daemon is idle

        var latencies: [Double] = []
        let wins = SampleWins.make(
            count: options.firstAttemptSamples, operator: operatorConfig.name, prefix: "first-", now: WallClock.nowMilliseconds())
        for (index, newWin) in wins.enumerated() {
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...60)))
            _ = try writer.enqueue([newWin], operatorsChecked: true)
            let committed = ContinuousClock.now
            let deadline = committed + .seconds(10)
            while arrivals.count <= index, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(1))
            }
            guard let arrived = arrivals.time(index) else {
                throw BenchFailure("win \(index) did not reach the operator within 10 s")
            }
            latencies.append((arrived - committed).milliseconds)
        }
        try await daemon.stop()
        guard arrivals.count == wins.count else {
            throw BenchFailure(
                "the operator saw \(arrivals.count) requests for \(wins.count) wins (retries on an idle healthy path)")
        }
        let p50 = Measurements.percentile(latencies, 0.5)
        let p99 = Measurements.percentile(latencies, 0.99)
        let baselineName = "one HTTP round trip, same operator"
        return [
            Figure(
                "enqueue → first attempt, p50 (\(wins.count) wins)", value: p50, unit: "ms",
                baselineName: baselineName + ", p50", baseline: Measurements.percentile(roundTrips, 0.5),
                target: "≤ 20 ms", met: p50 <= 20),
            Figure(
                "enqueue → first attempt, p99", value: p99, unit: "ms",
                baselineName: baselineName + ", p99", baseline: Measurements.percentile(roundTrips, 0.99),
                target: "≤ 100 ms", met: p99 <= 100),
        ]
    }

    /// Sequential calls through the daemon's transport: what the network part costs.
    private func httpRoundTrips(_ config: OperatorConfig, count: Int) async throws -> [Double] {
        let transport = CurlTransport(maximumConnectionsPerHost: config.concurrency)
        defer { transport.shutdown() }
        let wins = SampleWins.make(count: count, operator: config.name, prefix: "probe-", now: WallClock.nowMilliseconds())
        var times: [Double] = []
        for newWin in wins {
            let request = try WireRequest.build(win: newWin.win, providerId: BenchOperator.providerId, operator: config)
            let (result, elapsed) = await timedAsync { await transport.send(request.http, timeoutSeconds: config.timeoutSeconds) }
            guard case .success(let response) = result, response.status == 200 else {
                throw BenchFailure("probe call failed: \(result)")
            }
            times.append(elapsed.milliseconds)
        }
        return times
    }
}

/// When each request reached the operator, in arrival order.
private final class ArrivalLog: Sendable {
    private let times = Mutex<[ContinuousClock.Instant]>([])

    func note() { times.withLock { $0.append(.now) } }
    func clear() { times.withLock { $0.removeAll() } }
    var count: Int { times.withLock { $0.count } }
    func time(_ index: Int) -> ContinuousClock.Instant? { times.withLock { index < $0.count ? $0[index] : nil } }
}

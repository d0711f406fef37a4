import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotWire
import OperatorSimulator

/// A healthy operator's throughput alone and beside an operator whose every
/// call hangs until the 2 s timeout, both served by one daemon. Each run has
/// a fresh outbox holding the same wins (the hanging operator's too: alone, it
/// is not configured, so the daemon's check parks its wins); the rate is taken from the
/// first tenth delivered to the last. After a discarded warm-up run, rounds
/// alternate which run goes first, and the median of the rounds' ratios is
/// the figure: one round hit by a neighbour process on this shared machine
/// cannot swing it.
struct HangingNeighbourBench {
    let options: BenchOptions
    let scratch: ScratchDirectory

    func run() async throws -> [Figure] {
        _ = try await healthyRate(round: 0, withHangingNeighbour: false)  // warm-up: first dispatcher in this process
        var alone: [Double] = []
        var beside: [Double] = []
        for round in 1...options.neighbourRounds {
            for withNeighbour in round % 2 == 1 ? [false, true] : [true, false] {
                let rate = try await healthyRate(round: round, withHangingNeighbour: withNeighbour)
                if withNeighbour { beside.append(rate) } else { alone.append(rate) }
            }
        }
        let aloneRate = Measurements.median(alone)
        let besideRate = Measurements.median(beside)
        let ratios = zip(beside, alone).map { $0 / $1 }
        let ratio = Measurements.median(ratios)
        let spread = "rounds' ratios " + ratios.map { BenchReport.format($0) }.joined(separator: ", ")
        let steadyRate = try await healthyRateWhileCircuitOpen(aloneRate: aloneRate)
        let fresh = try await waitingCallCPU(reusedConnection: false)
        let reused = try await waitingCallCPU(reusedConnection: true)
        return [
            Figure(
                "healthy operator beside a hanging one (\(options.neighbourWins) wins; \(spread))", value: besideRate,
                unit: "wins/s", baselineName: "the same operator alone", baseline: aloneRate, ratio: ratio,
                target: "median ratio ≥ 0.90", met: ratio >= 0.9),
            Figure(
                "  same, over one cool-down and probe after its circuit opened", value: steadyRate, unit: "wins/s",
                baselineName: "the same operator alone", baseline: aloneRate, ratio: steadyRate / aloneRate),
            Figure(
                "  CPU of one call awaiting its answer, new connection", value: fresh, unit: "% of a core",
                baselineName: "same, kept-alive connection", baseline: reused),
        ]
    }

    /// The client-side CPU (this whole process, otherwise idle) while one call
    /// waits for an answer that never comes, on a connection libcurl has just
    /// opened or on one it reuses: what a hanging operator costs its neighbours.
    /// (FoundationNetworking left the write source of a new connection armed
    /// and burnt a core here; the curl loop sleeps in curl_multi_poll.)
    private func waitingCallCPU(reusedConnection: Bool) async throws -> Double {
        let server = try ScriptedOperator(secret: "bench-secret-h")
        server.setFaultPlan { number in reusedConnection && number == 1 ? nil : .hang }
        let config = BenchOperator.config(name: "hanging", server: server, secret: "bench-secret-h", concurrency: 1)
        let transport = CurlTransport(maximumConnectionsPerHost: 1)
        let requests = try SampleWins.make(count: 2, operator: config.name, prefix: "wait-", now: WallClock.nowMilliseconds())
            .map { try WireRequest.build(win: $0.win, providerId: BenchOperator.providerId, operator: config).http }
        if reusedConnection {
            guard case .success = await transport.send(requests[0], timeoutSeconds: 5) else {
                throw BenchFailure("the first call to open the connection failed")
            }
        }
        let waiting = Task { await transport.send(requests[1], timeoutSeconds: 60) }
        try await Task.sleep(for: .milliseconds(200))
        let (_, wall, cpu) = await ProcessCPU.measure { try? await Task.sleep(for: .seconds(1)) }
        transport.shutdown()
        _ = await waiting.value
        server.stop()
        return cpu.seconds / wall.seconds * 100
    }

    /// The regime a hanging operator stays in: its first calls have timed out and
    /// its circuit is open, so it gets one probe per cool-down. Measured over one
    /// cool-down plus one probe (`openSeconds` + the 2 s timeout), the window in
    /// which the probe, hanging on a new connection, burns a core.
    private func healthyRateWhileCircuitOpen(aloneRate: Double) async throws -> Double {
        let database = try scratch.subdirectory("neighbour-steady") + "/outbox.sqlite3"
        let neighbours = try Neighbours(concurrency: options.concurrency)
        defer { neighbours.stop() }
        let hangingConfig = neighbours.hangingConfig
        let config = BenchOperator.daemonConfig(database: database, operators: [neighbours.healthyConfig, hangingConfig])
        let outbox = try Outbox(path: database)
        _ = try outbox.enqueue(
            SampleWins.make(
                count: options.neighbourWins, operator: "hanging", prefix: "hanging-", now: WallClock.nowMilliseconds()))
        let running = RunningDispatcher(databasePath: database, config: config)
        let opened = ContinuousClock.now + .seconds(60)
        while try outbox.operatorStates()["hanging"]?.circuitState ?? .closed == .closed {
            guard ContinuousClock.now < opened else { throw BenchFailure("the hanging operator's circuit never opened") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let window = Duration.milliseconds(Int64((hangingConfig.circuit.openSeconds + hangingConfig.timeoutSeconds) * 1000))
        // More than the operator can take in the window, so it never runs dry.
        let count = Int(aloneRate * 1.5 * Double(window.components.seconds)) + 1000
        _ = try outbox.enqueue(
            SampleWins.make(count: count, operator: "healthy", prefix: "steady-", now: WallClock.nowMilliseconds()))
        let delivered = { try outbox.statusSnapshot(now: 0).count(.delivered, operator: "healthy") }
        let before = try delivered()
        let start = ContinuousClock.now
        try await Task.sleep(for: window)
        let after = try delivered()
        let elapsed = ContinuousClock.now - start
        try await running.stop()
        guard neighbours.hanging.snapshot.requests > options.concurrency else {
            throw BenchFailure("no probe reached the hanging operator in the window: the measurement did not test anything")
        }
        return Double(after - before) / elapsed.seconds
    }

    private func healthyRate(round: Int, withHangingNeighbour: Bool) async throws -> Double {
        let database = try scratch.subdirectory("neighbour-\(round)-\(withHangingNeighbour)") + "/outbox.sqlite3"
        let neighbours = try Neighbours(concurrency: options.concurrency)
        defer { neighbours.stop() }
        let (healthy, hanging) = (neighbours.healthy, neighbours.hanging)
        let operators = [neighbours.healthyConfig] + (withHangingNeighbour ? [neighbours.hangingConfig] : [])
        let now = WallClock.nowMilliseconds()
        let wins =
            SampleWins.make(count: options.neighbourWins, operator: "healthy", prefix: "healthy-", now: now)
            + SampleWins.make(count: options.neighbourWins, operator: "hanging", prefix: "hanging-", now: now)
        _ = try Outbox(path: database).enqueue(wins.shuffled())
        let config = BenchOperator.daemonConfig(database: database, operators: operators)
        let rate = try await DeliveryRun.rates(
            databasePath: database, config: config, operator: "healthy", count: options.neighbourWins
        ).steady
        guard healthy.snapshot.credited == options.neighbourWins else {
            throw BenchFailure("healthy operator credited \(healthy.snapshot.credited) of \(options.neighbourWins)")
        }
        if withHangingNeighbour, hanging.snapshot.requests == 0 {
            throw BenchFailure("the hanging operator was never called: the measurement did not test anything")
        }
        if !withHangingNeighbour, hanging.snapshot.requests > 0 {
            throw BenchFailure("the unconfigured hanging operator was called")
        }
        return rate
    }
}

/// A healthy operator and one whose every call hangs until the 2 s timeout, on loopback.
private struct Neighbours {
    let healthy: ScriptedOperator
    let hanging: ScriptedOperator
    let healthyConfig: OperatorConfig
    let hangingConfig: OperatorConfig

    init(concurrency: Int) throws {
        healthy = try ScriptedOperator(secret: "bench-secret-a")
        hanging = try ScriptedOperator(secret: "bench-secret-h")
        hanging.setFaultPlan { _ in .hang }
        healthyConfig = BenchOperator.config(name: "healthy", server: healthy, secret: "bench-secret-a", concurrency: concurrency)
        hangingConfig = BenchOperator.config(
            name: "hanging", server: hanging, secret: "bench-secret-h", concurrency: concurrency, timeoutSeconds: 2)
    }

    func stop() {
        healthy.stop()
        hanging.stop()
    }
}

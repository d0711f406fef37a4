import JackpotConfiguration
import JackpotStore
import JackpotWire
import OperatorSimulator

/// A healthy operator's throughput and the daemon's peak memory, alone and
/// beside an operator whose every call gets an answer far over the body cap:
/// an endless chunked body, 200 MB, or a gzip bomb (522 KB inflating to
/// 512 MiB, sent with `Content-Encoding: gzip`). One `jackpotd run` child per
/// run, so VmHWM is the daemon's own; rounds alternate the order of the runs.
///
/// The neighbour's circuit is held closed and its back-off is short, so it is
/// called at full pace for the whole run: the harshest case, where its calls
/// compete with the healthy ones for the daemon and the machine. A neighbour
/// failing at the same pace with small answers (HTTP 500) is the control that
/// tells what the size of the answers costs beyond that.
struct BigAnswerBench {
    let options: BenchOptions
    let scratch: ScratchDirectory

    enum Neighbour: String, CaseIterable {
        case none, failing, endless, huge, gzip

        var path: String { "/" + rawValue }

        var title: String {
            switch self {
            case .none: "alone"
            case .failing: "beside small HTTP 500 answers"
            case .endless: "beside endless chunked answers"
            case .huge: "beside 200 MB answers"
            case .gzip: "beside gzip-bomb answers"
            }
        }
    }

    struct Run {
        var rate: Double
        /// VmHWM at the end of the run, KiB.
        var peak: Int
        /// The neighbour's answers that ended while the rate was measured.
        var neighbourAnswers: Int
        /// CPU over the measured window, % of a core: the daemon's, and the bench's (its loopback operators).
        var daemonCPU: Double
        var benchCPU: Double
        /// The neighbour's answers per second while measured.
        var neighbourRate: Double

        /// The daemon's CPU per call it made, healthy or neighbour's, in µs: what one
        /// neighbour's answer costs the daemon next to what one delivery does.
        var cpuPerCall: Double { daemonCPU / 100 / (rate + neighbourRate) * 1_000_000 }
    }

    func run() async throws -> [Figure] {
        let member = try GzipBomb.member()
        var runs: [Neighbour: [Run]] = [:]
        for round in 1...options.bigAnswerRounds {
            let order = round % 2 == 1 ? Neighbour.allCases : Neighbour.allCases.reversed()
            for neighbour in order {
                runs[neighbour, default: []].append(try await measure(neighbour, round: round, gzipMember: member))
            }
        }
        let alone = runs[.none]!
        let aloneRate = Measurements.median(alone.map(\.rate))
        let alonePeak = mb(alone.map(\.peak).max()!)
        let aloneCPUPerCall = Measurements.median(alone.map(\.cpuPerCall))
        let aloneBenchCPU = Measurements.median(alone.map(\.benchCPU))
        var figures: [Figure] = []
        for neighbour in Neighbour.allCases where neighbour != .none {
            let beside = runs[neighbour]!
            let rate = Measurements.median(beside.map(\.rate))
            let peak = mb(beside.map(\.peak).max()!)
            let answers = beside.map(\.neighbourAnswers).reduce(0, +)
            let isControl = neighbour == .failing
            figures += [
                Figure("healthy operator \(neighbour.title) (\(answers) \(isControl ? "answered" : "cut off"))", value: rate,
                       unit: "wins/s", baselineName: "the same operator alone", baseline: aloneRate, ratio: rate / aloneRate,
                       target: isControl ? nil : "ratio ≥ 0.90", met: isControl ? nil : rate / aloneRate >= 0.9),
                Figure("  daemon peak RSS (VmHWM) meanwhile", value: peak, unit: "MB",
                       baselineName: "same daemon, healthy operator alone", baseline: alonePeak,
                       target: isControl ? nil : "≤ 100 MB", met: isControl ? nil : peak <= 100),
                Figure("  daemon CPU per call, healthy and neighbour's", value: Measurements.median(beside.map(\.cpuPerCall)),
                       unit: "µs", baselineName: "per call alone", baseline: aloneCPUPerCall),
                Figure("  bench CPU meanwhile (its loopback operators)", value: Measurements.median(beside.map(\.benchCPU)),
                       unit: "% of a core", baselineName: "alone", baseline: aloneBenchCPU),
            ]
        }
        return figures
    }

    private func mb(_ kilobytes: Int) -> Double { Double(kilobytes) / 1024 }

    /// One daemon delivering `bigAnswerWins` to the healthy operator, the
    /// neighbour's wins due beside them. The rate is taken from the first tenth
    /// delivered to the last, leaving the daemon's start-up out.
    private func measure(_ neighbour: Neighbour, round: Int, gzipMember: [UInt8]) async throws -> Run {
        let directory = try scratch.subdirectory("big-\(neighbour.rawValue)-\(round)")
        let healthy = try ScriptedOperator(secret: "bench-secret-a")
        let failing = try ScriptedOperator(secret: "bench-secret-b")
        failing.setFaultPlan { _ in .status(500, body: "{\"error\":\"try again\"}") }
        let big = BigAnswerServer(gzipMember: gzipMember)
        big.release()  // every answer streams on past its first part
        defer {
            big.stop()
            failing.stop()
            healthy.stop()
        }
        let total = options.bigAnswerWins
        var operators = [BenchOperator.config(name: "healthy", server: healthy, secret: "bench-secret-a", concurrency: options.concurrency)]
        let now = WallClock.nowMilliseconds()
        var wins = SampleWins.make(count: total, operator: "healthy", prefix: "healthy-", now: now)
        if neighbour != .none {
            let url = neighbour == .failing ? failing.url : big.baseURL + neighbour.path
            var config = BenchOperator.config(name: "neighbour", url: url, secret: "bench-secret-b", concurrency: options.concurrency)
            config.circuit.failureThreshold = 1_000_000
            operators.append(config)
            wins += SampleWins.make(count: 4 * options.concurrency, operator: "neighbour", prefix: "neighbour-", now: now)
        }
        let database = directory + "/outbox.sqlite3"
        _ = try Outbox(path: database).enqueue(wins.shuffled())
        let daemon = try await ChildDaemon(config: BenchOperator.daemonConfig(database: database, operators: operators), in: directory)
        let answered = {
            neighbour == .failing ? failing.snapshot.requests : big.snapshot.completed.count + big.snapshot.abandoned.count
        }
        let deadline = ContinuousClock.now + .seconds(120)
        var start: (time: ContinuousClock.Instant, delivered: Int, answered: Int, daemonCPU: Duration, benchCPU: Duration)?
        var delivered = 0
        while delivered < total {
            guard ContinuousClock.now < deadline else {
                throw BenchFailure("\(delivered) of \(total) healthy wins delivered \(neighbour.title) in 120 s")
            }
            try await Task.sleep(for: .milliseconds(10))
            delivered = try daemon.delivered("healthy")
            if start == nil, delivered >= total / 10 {
                start = (ContinuousClock.now, delivered, answered(), daemon.child.cpuTime() ?? .zero, ProcessCPU.now())
            }
        }
        let elapsed = ContinuousClock.now - start!.time
        let daemonCPU = ((daemon.child.cpuTime() ?? .zero) - start!.daemonCPU).seconds / elapsed.seconds * 100
        let benchCPU = (ProcessCPU.now() - start!.benchCPU).seconds / elapsed.seconds * 100
        let neighbourAnswers = answered() - start!.answered
        let peak = try daemon.memory().peak
        try daemon.stop()
        guard healthy.snapshot.credited == total else {
            throw BenchFailure("healthy operator credited \(healthy.snapshot.credited) of \(total)")
        }
        if neighbour != .none, neighbourAnswers == 0 {
            throw BenchFailure("no answer of the neighbour ended while measured \(neighbour.title): the run did not test anything")
        }
        return Run(
            rate: Double(total - start!.delivered) / elapsed.seconds, peak: peak, neighbourAnswers: neighbourAnswers,
            daemonCPU: daemonCPU, benchCPU: benchCPU, neighbourRate: Double(neighbourAnswers) / elapsed.seconds)
    }
}

import JackpotConfiguration
import JackpotStore
import JackpotWire
import OperatorSimulator

/// A healthy operator's throughput and the daemon's peak memory, alone and
/// beside an operator whose every call gets an answer far over the body cap:
/// an endless chunked body, 200 MB, or a gzip bomb (522 KB inflating to
/// 512 MiB, sent with `Content-Encoding: gzip`). One `jackpotd run` child per
/// run, so VmHWM is the daemon's own. Each beside run has an alone run next to
/// it, and the median of the pairs' ratios is judged; rounds alternate the order.
///
/// Each kind runs as deployed: the neighbour keeps the product's retry
/// schedule and circuit breaker, and 4 × concurrency of its wins are due; its
/// circuit opens on the first burst of cut-off answers, so later it sees only
/// probes. The stress case runs the endless answer at full pace: its circuit
/// held closed and its back-off 0.05–0.2 s, so it is called hundreds of times
/// a second for the whole run. A neighbour failing at full pace with small
/// answers (HTTP 500) is the control that tells what the size of the answers
/// costs beyond the calls themselves.
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

    /// One daemon run: the neighbour, and whether it is called at full pace.
    struct Scenario: Hashable {
        var neighbour: Neighbour
        var fullPace: Bool

        /// Alone, each kind as deployed, and the stress case (endless at full pace) with its control.
        static let all: [Scenario] =
            [Scenario(neighbour: .none, fullPace: false)]
            + [Neighbour.endless, .huge, .gzip].map { Scenario(neighbour: $0, fullPace: false) }
            + [Scenario(neighbour: .endless, fullPace: true), Scenario(neighbour: .failing, fullPace: true)]

        var name: String { neighbour.rawValue + (fullPace ? "-full" : "") }
    }

    struct Run {
        var rate: Double
        /// VmHWM at the end of the run, KiB.
        var peak: Int
        /// The neighbour's answers that ended while the rate was measured (as deployed: in the whole run).
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
        var runs: [Scenario: [Run]] = [:]
        // Each beside run is paired with an alone run next to it (alone first in odd
        // rounds, second in even ones), and judged by the median of the pairs' ratios:
        // the machine's pace drifts by more than the 10 % the target allows.
        var ratios: [Scenario: [Double]] = [:]
        let aloneScenario = Scenario.all[0]
        for round in 1...options.bigAnswerRounds {
            let order = round % 2 == 1 ? Array(Scenario.all.dropFirst()) : Scenario.all.dropFirst().reversed()
            for scenario in order {
                for each in round % 2 == 1 ? [aloneScenario, scenario] : [scenario, aloneScenario] {
                    runs[each, default: []].append(
                        try await measure(each, round: round, pairedWith: scenario, gzipMember: member))
                }
                ratios[scenario, default: []].append(runs[scenario]!.last!.rate / runs[aloneScenario]!.last!.rate)
            }
        }
        let alone = runs[aloneScenario]!
        let aloneRate = Measurements.median(alone.map(\.rate))
        let alonePeak = mb(alone.map(\.peak).max()!)
        let aloneCPUPerCall = Measurements.median(alone.map(\.cpuPerCall))
        let aloneBenchCPU = Measurements.median(alone.map(\.benchCPU))
        var figures: [Figure] = []
        for scenario in Scenario.all.dropFirst() {
            let beside = runs[scenario]!
            let rate = Measurements.median(beside.map(\.rate))
            let ratio = Measurements.median(ratios[scenario]!)
            let peak = mb(beside.map(\.peak).max()!)
            let answers = beside.map(\.neighbourAnswers).reduce(0, +)
            let judged = !scenario.fullPace
            let pace = scenario.fullPace ? ", full pace" : ", as deployed"
            let ended = scenario.neighbour == .failing ? "answered" : scenario.fullPace ? "cut off" : "cut off in all"
            figures += [
                Figure(
                    "healthy operator \(scenario.neighbour.title)\(pace) (\(answers) \(ended))", value: rate,
                    unit: "wins/s", baselineName: "the same operator alone", baseline: aloneRate, ratio: ratio,
                    target: judged ? "median ratio ≥ 0.90" : nil, met: judged ? ratio >= 0.9 : nil),
                Figure(
                    "  daemon peak RSS (VmHWM) meanwhile", value: peak, unit: "MB",
                    baselineName: "same daemon, healthy operator alone", baseline: alonePeak,
                    target: scenario.neighbour == .failing ? nil : "≤ 100 MB",
                    met: scenario.neighbour == .failing ? nil : peak <= 100),
                Figure(
                    "  daemon CPU per call, healthy and neighbour's", value: Measurements.median(beside.map(\.cpuPerCall)),
                    unit: "µs", baselineName: "per call alone", baseline: aloneCPUPerCall),
                Figure(
                    "  bench CPU meanwhile (its loopback operators)", value: Measurements.median(beside.map(\.benchCPU)),
                    unit: "% of a core", baselineName: "alone", baseline: aloneBenchCPU),
            ]
        }
        return figures
    }

    private func mb(_ kilobytes: Int) -> Double { Double(kilobytes) / 1024 }

    /// One daemon delivering `bigAnswerWins` to the healthy operator, the
    /// neighbour's wins due beside them. The rate is taken from the first tenth
    /// delivered to the last, leaving the daemon's start-up out.
    private func measure(_ scenario: Scenario, round: Int, pairedWith pair: Scenario, gzipMember: [UInt8]) async throws -> Run {
        let neighbour = scenario.neighbour
        let directory = try scratch.subdirectory("big-\(scenario.name)-\(pair.name)-\(round)")
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
        var operators = [
            BenchOperator.config(name: "healthy", server: healthy, secret: "bench-secret-a", concurrency: options.concurrency)
        ]
        let now = WallClock.nowMilliseconds()
        var wins = SampleWins.make(count: total, operator: "healthy", prefix: "healthy-", now: now)
        if neighbour != .none {
            let url = neighbour == .failing ? failing.url : big.baseURL + neighbour.path
            var config = BenchOperator.config(
                name: "neighbour", url: url, secret: "bench-secret-b", concurrency: options.concurrency)
            if scenario.fullPace {
                config.circuit.failureThreshold = 1_000_000
            } else {
                config.retry = RetrySettings()
                config.circuit = CircuitSettings()
            }
            operators.append(config)
            wins += SampleWins.make(count: 4 * options.concurrency, operator: "neighbour", prefix: "neighbour-", now: now)
        }
        let database = directory + "/outbox.sqlite3"
        _ = try Outbox(path: database).enqueue(wins.shuffled())
        let daemon = try await ChildDaemon(
            config: BenchOperator.daemonConfig(database: database, operators: operators), in: directory)
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
        // As deployed, the circuit opens on the first burst, before the window:
        // its answers are counted over the whole run.
        let windowAnswers = answered() - start!.answered
        let neighbourAnswers = scenario.fullPace ? windowAnswers : answered()
        let peak = try daemon.memory().peak
        try daemon.stop()
        guard healthy.snapshot.credited == total else {
            throw BenchFailure("healthy operator credited \(healthy.snapshot.credited) of \(total)")
        }
        if neighbour != .none, neighbourAnswers == 0 {
            throw BenchFailure("no answer of the neighbour ended while measured \(scenario.name): the run did not test anything")
        }
        return Run(
            rate: Double(total - start!.delivered) / elapsed.seconds, peak: peak, neighbourAnswers: neighbourAnswers,
            daemonCPU: daemonCPU, benchCPU: benchCPU, neighbourRate: Double(windowAnswers) / elapsed.seconds)
    }
}

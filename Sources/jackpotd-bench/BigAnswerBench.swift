import JackpotConfiguration
import JackpotStore
import JackpotWire
import OperatorSimulator

/// A healthy operator's throughput and the daemon's peak memory, alone and
/// beside an operator whose every call gets an answer far over the body cap:
/// an endless chunked body, 200 MB, or a gzip bomb (522 KB inflating to
/// 512 MiB, sent with `Content-Encoding: gzip`). One `jackpotd run` child per
/// run, so VmHWM is the daemon's own; rounds alternate the order of the runs.
struct BigAnswerBench {
    let options: BenchOptions
    let scratch: ScratchDirectory

    enum Neighbour: String, CaseIterable {
        case none, endless, huge, gzip

        var path: String { "/" + rawValue }

        var title: String {
            switch self {
            case .none: "alone"
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
        /// Big answers that ended (cut off by the daemon or sent whole) while the rate was measured.
        var bigAnswers: Int
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
        var figures: [Figure] = []
        for neighbour in Neighbour.allCases where neighbour != .none {
            let beside = runs[neighbour]!
            let rate = Measurements.median(beside.map(\.rate))
            let peak = mb(beside.map(\.peak).max()!)
            let answers = beside.map(\.bigAnswers).reduce(0, +)
            figures += [
                Figure("healthy operator \(neighbour.title) (\(answers) cut off)", value: rate, unit: "wins/s",
                       baselineName: "the same operator alone", baseline: aloneRate, ratio: rate / aloneRate,
                       target: "ratio ≥ 0.90", met: rate / aloneRate >= 0.9),
                Figure("  daemon peak RSS (VmHWM) meanwhile", value: peak, unit: "MB",
                       baselineName: "same daemon, healthy operator alone", baseline: alonePeak,
                       target: "≤ 100 MB", met: peak <= 100),
            ]
        }
        return figures
    }

    private func mb(_ kilobytes: Int) -> Double { Double(kilobytes) / 1024 }

    /// One daemon delivering `bigAnswerWins` to the healthy operator, the big
    /// operator's wins due beside them (its circuit never opens, so every one of
    /// its calls meets a big answer). The rate is taken from the first tenth
    /// delivered to the last, leaving the daemon's start-up out.
    private func measure(_ neighbour: Neighbour, round: Int, gzipMember: [UInt8]) async throws -> Run {
        let directory = try scratch.subdirectory("big-\(neighbour.rawValue)-\(round)")
        let healthy = try ScriptedOperator(secret: "bench-secret-a")
        let big = BigAnswerServer(gzipMember: gzipMember)
        big.release()  // every answer streams on past its first part
        defer {
            big.stop()
            healthy.stop()
        }
        let total = options.bigAnswerWins
        var operators = [BenchOperator.config(name: "healthy", server: healthy, secret: "bench-secret-a", concurrency: options.concurrency)]
        let now = WallClock.nowMilliseconds()
        var wins = SampleWins.make(count: total, operator: "healthy", prefix: "healthy-", now: now)
        if neighbour != .none {
            var config = BenchOperator.config(name: "big", url: big.baseURL + neighbour.path, secret: "bench-secret-b", concurrency: options.concurrency)
            config.circuit.failureThreshold = 1_000_000
            operators.append(config)
            wins += SampleWins.make(count: 4 * options.concurrency, operator: "big", prefix: "big-", now: now)
        }
        let database = directory + "/outbox.sqlite3"
        _ = try Outbox(path: database).enqueue(wins.shuffled())
        let daemon = try await ChildDaemon(config: BenchOperator.daemonConfig(database: database, operators: operators), in: directory)
        let ended = { big.snapshot.completed.count + big.snapshot.abandoned.count }
        let deadline = ContinuousClock.now + .seconds(120)
        var start: (time: ContinuousClock.Instant, delivered: Int, bigAnswers: Int)?
        var delivered = 0
        while delivered < total {
            guard ContinuousClock.now < deadline else {
                throw BenchFailure("\(delivered) of \(total) healthy wins delivered \(neighbour.title) in 120 s")
            }
            try await Task.sleep(for: .milliseconds(10))
            delivered = try daemon.delivered("healthy")
            if start == nil, delivered >= total / 10 { start = (ContinuousClock.now, delivered, ended()) }
        }
        let elapsed = ContinuousClock.now - start!.time
        let bigAnswers = ended() - start!.bigAnswers
        let peak = try daemon.memory().peak
        try daemon.stop()
        guard healthy.snapshot.credited == total else {
            throw BenchFailure("healthy operator credited \(healthy.snapshot.credited) of \(total)")
        }
        if neighbour != .none, bigAnswers == 0 {
            throw BenchFailure("no big answer ended while measured \(neighbour.title): the run did not test anything")
        }
        return Run(rate: Double(total - start!.delivered) / elapsed.seconds, peak: peak, bigAnswers: bigAnswers)
    }
}

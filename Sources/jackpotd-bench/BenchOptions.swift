/// The command line of `jackpotd-bench` and the sizes it implies.
///
/// `--quick` shrinks every workload so a smoke run takes well under a minute;
/// its figures are noisier and its large outbox is smaller, so the targets are
/// only judged on a full run.
struct BenchOptions: Sendable {
    var quick = false
    var json = false
    /// Keep the scratch directory (outboxes, logs) for inspection.
    var keep = false
    /// Run only these measurements (all when empty).
    var only: Set<String> = []
    /// `--backlog-wins N`: the backlog's size instead of the default (a smaller run on a busy machine).
    var backlogWinsOverride: Int?

    static let measurements = [
        "dispatch", "dispatcher-cost", "enqueue", "first-attempt", "outbox", "neighbour", "hanging", "big-answers", "reconcile",
        "ingest", "ingest-clients",
        "https", "many-operators", "many-configured", "backlog",
    ]

    static let usage = """
        Usage: jackpotd-bench [--quick] [--json] [--only NAME[,NAME…]] [--keep] [--backlog-wins N]

        Measures jackpotd against its performance targets on this machine, each
        figure next to a baseline measured in the same run. Starts its own
        loopback operators and temporary outboxes; needs no configuration.

          --quick   smaller workloads (a smoke run; judge targets on a full run)
          --json    print the results as one JSON object instead of a table
          --only    run only these measurements: dispatch, dispatcher-cost, enqueue,
                    first-attempt, outbox, neighbour, hanging, big-answers,
                    reconcile, ingest, ingest-clients, https, many-operators,
                    many-configured, backlog (for profiling one of them)
          --keep    keep the scratch directory (outboxes, daemon logs) and print its path
          --backlog-wins N
                    the size of the backlog drained after an outage (default 1 000 000,
                    20 000 with --quick)

        The https, many-operators, many-configured and backlog measurements serve
        TLS from nginx on loopback addresses (apt-get install nginx-light) and need
        about 10 000 open files (ulimit -n).

        """

    /// Parses `arguments` (without the program name); a problem without a message means `--help`.
    static func parse(_ arguments: [String]) -> Result<BenchOptions, UsageProblem> {
        var options = BenchOptions()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--quick": options.quick = true
            case "--json": options.json = true
            case "--keep": options.keep = true
            case "--only":
                guard let names = remaining.popFirst() else { return .failure(UsageProblem(message: "--only needs a value")) }
                for name in names.split(separator: ",").map(String.init) {
                    guard measurements.contains(name) else {
                        return .failure(
                            UsageProblem(
                                message: "unknown measurement \"\(name)\" (known: \(measurements.joined(separator: ", ")))"))
                    }
                    options.only.insert(name)
                }
            case "--backlog-wins":
                guard let text = remaining.popFirst(), let count = Int(text), count >= 1_000 else {
                    return .failure(UsageProblem(message: "--backlog-wins needs a number of wins ≥ 1000"))
                }
                options.backlogWinsOverride = count
            case "--help", "-h": return .failure(UsageProblem(message: nil))
            default: return .failure(UsageProblem(message: "unknown argument \"\(argument)\""))
            }
        }
        return .success(options)
    }

    func runs(_ measurement: String) -> Bool { only.isEmpty || only.contains(measurement) }

    /// Calls in flight per operator in every delivery measurement (and the bare loop's width).
    let concurrency = 16
    var dispatchWins: Int { quick ? 4_000 : 20_000 }
    /// Baseline and dispatcher alternate this many times; medians are reported.
    var dispatchRounds: Int { quick ? 1 : 5 }
    var batchWins: Int { quick ? 20_000 : 100_000 }
    var cliLines: Int { quick ? 20_000 : 100_000 }
    var singleEnqueues: Int { quick ? 200 : 1_000 }
    var firstAttemptSamples: Int { quick ? 50 : 200 }
    let smallOutboxRows = 10_000
    var largeOutboxRows: Int { quick ? 200_000 : 1_000_000 }
    var claimRuns: Int { quick ? 300 : 2_000 }
    var statusRuns: Int { quick ? 10 : 30 }
    var reconcileRows: Int { quick ? 200_000 : 1_000_000 }
    var neighbourWins: Int { quick ? 2_000 : 8_000 }
    /// Rounds of (alone, beside) runs, after one warm-up; the median of their ratios is reported.
    var neighbourRounds: Int { quick ? 1 : 3 }
    /// How long the daemon's CPU is measured, idle and with only hanging calls.
    var hangingWindow: Duration { quick ? .seconds(2) : .seconds(5) }
    /// Healthy wins per big-answer run (a measured window of ~2 s at this machine's
    /// pace); each round pairs every kind with an alone run, the median ratio is judged.
    var bigAnswerWins: Int { quick ? 3_000 : 16_000 }
    var bigAnswerRounds: Int { quick ? 1 : 5 }
    /// https operators on distinct loopback addresses, all busy at once, and their wins each.
    var manyOperators: Int { quick ? 200 : 1_000 }
    var manyOperatorWins: Int { quick ? 20 : 40 }
    /// Operators in the large config (two of them busy), and the backlog one of them drains meanwhile.
    var configuredOperators: Int { quick ? 2_000 : 10_000 }
    var fairnessDrainWins: Int { quick ? 20_000 : 100_000 }
    /// Operators whose wallets go down, the backlog queued for them, how long the outage lasts.
    var backlogOperators: Int { quick ? 200 : 1_000 }
    var backlogWins: Int { backlogWinsOverride ?? (quick ? 20_000 : 1_000_000) }
    var outageDuration: Duration { quick ? .seconds(3) : .seconds(10) }
}

struct UsageProblem: Error {
    /// nil for `--help`.
    let message: String?
}

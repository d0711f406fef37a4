import JackpotStore
import JackpotWire
import OperatorSimulator

/// The CPU a `jackpotd run` child uses while its only calls in flight hang:
/// one operator accepts and never answers, one never answers the SYN, each
/// with all its calls out and a timeout far beyond the measurement. The
/// baseline is the same daemon idle, before any win was enqueued.
struct HangingCallsCPUBench {
    let options: BenchOptions
    let scratch: ScratchDirectory
    let timeoutSeconds = 30.0

    func run() async throws -> [Figure] {
        let directory = try scratch.subdirectory("hanging-cpu")
        let silent = AcceptButSilentPort()
        let unanswered = UnansweredSYNPort()
        let width = options.concurrency
        let operators = [
            BenchOperator.config(
                name: "silent", url: silent.url, secret: "bench-secret-s", concurrency: width, timeoutSeconds: timeoutSeconds),
            BenchOperator.config(
                name: "unanswered", url: unanswered.url, secret: "bench-secret-u", concurrency: width,
                timeoutSeconds: timeoutSeconds),
        ]
        let daemon = try await ChildDaemon(
            config: BenchOperator.daemonConfig(database: directory + "/outbox.sqlite3", operators: operators), in: directory)
        // Start-up (schema, first pass, metrics) done before the idle window.
        try await Task.sleep(for: .seconds(1))
        let idle = try await daemon.cpuShare(over: options.hangingWindow)

        // More wins than calls, as a real backlog behind a hanging operator would be.
        let now = WallClock.nowMilliseconds()
        let wins =
            SampleWins.make(count: 4 * width, operator: "silent", prefix: "silent-", now: now)
            + SampleWins.make(count: 4 * width, operator: "unanswered", prefix: "unanswered-", now: now)
        _ = try daemon.outbox.enqueue(wins)
        let inFlight = {
            (
                LoopbackConnections.count(toPort: silent.port, in: .established),
                LoopbackConnections.count(toPort: unanswered.port, in: .synSent)
            )
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while inFlight() != (width, width) {
            guard ContinuousClock.now < deadline else {
                throw BenchFailure(
                    "calls in flight (silent, SYN unanswered): \(inFlight()), expected \(width) each; "
                        + "sockets by state: \(LoopbackConnections.states(toPort: silent.port)), \(LoopbackConnections.states(toPort: unanswered.port))"
                )
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(500))
        let hanging = try await daemon.cpuShare(over: options.hangingWindow)
        guard inFlight() == (width, width) else {
            throw BenchFailure("calls ended while measured (silent, SYN unanswered): \(inFlight())")
        }
        let delivered = try daemon.delivered("silent") + daemon.delivered("unanswered")
        try daemon.stop()
        guard delivered == 0 else { throw BenchFailure("\(delivered) wins delivered to operators that never answer") }
        return [
            Figure(
                "daemon CPU, \(2 * width) calls hanging (accept-and-silent, SYN unanswered)", value: hanging,
                unit: "% of a core", baselineName: "the same daemon idle", baseline: idle,
                target: "≤ 5 %", met: hanging <= 5),
            // The idle floor is the dispatcher's poll tick (every 10 ms); this is what the calls add to it.
            Figure("  of which the hanging calls (minus idle)", value: hanging - idle, unit: "% of a core"),
        ]
    }
}

import Foundation
import Synchronization
import Testing
import JackpotStore
import JackpotWire
import TestSupport

/// The dispatcher driven by an in-memory transport and a manual clock: the
/// circuit breaker's whole cycle, deterministic because nothing becomes due
/// (no retry, no probe) until the test moves time.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct CircuitBreakerDispatchTests {
    static let downURL = "https://down.example/V4/JackPotWin"
    static let upURL = "https://up.example/V4/JackPotWin"

    @Test func transportFailuresOpenTheCircuitWinsWaitWithoutAttemptsAndOneProbeClosesIt() async throws {
        let directory = TemporaryDirectory()
        let reachable = Atomic<Bool>(false)
        let transport = ScriptedTransport { request, number in
            if request.url == Self.downURL, !reachable.load(ordering: .sequentiallyConsistent) {
                return .failure(.connection("Connection refused"))
            }
            return ScriptedTransport.confirmed("tx-\(number)")
        }
        let circuit = "\"circuit\": {\"failureThreshold\": 3, \"openSeconds\": 10, \"maxOpenSeconds\": 60}"
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "down", url: Self.downURL, secret: "x", extra: fastDelivery(concurrency: 1, extra: circuit)),
                TestOperator(name: "up", url: Self.upURL, secret: "y", extra: fastDelivery(concurrency: 1)),
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let clock = ManualClock(startingAt: WallClock.nowMilliseconds())
        try probe.enqueue(winReferences("down", 5), operator: "down", now: clock.now)
        try probe.enqueue(winReferences("up", 5), operator: "up", now: clock.now)

        let daemon = try RunningDispatcher(configPath: config, transport: transport, clock: clock.function)

        // Three refused connections (one per due win) open the circuit.
        let opened = try await eventually {
            try probe.operatorState("down")?.circuitState == .open && probe.attemptCount(operator: "down") == 3
        }
        try #require(opened, "\(daemon.log)")
        // The other operator is not held up.
        let upDelivered = try await eventually { try probe.count(.delivered, operator: "up") == 5 }
        #expect(upDelivered)
        // While open, its wins wait as pending and no call goes out.
        let released = try await eventually { try probe.count(.pending, operator: "down") == 5 }
        #expect(released)
        // Many loop passes (time stands still, so nothing becomes due): no call goes out.
        #expect(await daemon.dispatcher.waitForPasses(loop: 30))
        #expect(try probe.attemptCount(operator: "down") == 3)
        #expect(transport.callCount(url: Self.downURL) == 3)
        let stored = try #require(try probe.operatorState("down"))
        #expect(stored.consecutiveFailures == 3)
        let openUntil = try #require(stored.circuitOpenUntil)
        #expect(openUntil == clock.now + 10_000)

        // Cool-down over: exactly one probe; it fails, so the circuit reopens for twice as long.
        clock.set(openUntil)
        let reopened = try await eventually {
            try probe.attemptCount(operator: "down") == 4 && probe.operatorState("down")?.circuitOpenUntil == openUntil + 20_000
        }
        #expect(reopened, "\(daemon.log)")
        #expect(await daemon.dispatcher.waitForPasses(loop: 30))
        #expect(try probe.attemptCount(operator: "down") == 4)
        #expect(transport.callCount(url: Self.downURL) == 4)
        #expect(try probe.operatorState("down")?.circuitState == .open)

        // The operator is back: the next probe succeeds, the circuit closes, the rest follow.
        reachable.store(true, ordering: .sequentiallyConsistent)
        clock.set(openUntil + 20_000)
        let delivered = try await eventually { try probe.count(.delivered, operator: "down") == 5 }
        try await daemon.stop()

        #expect(delivered, "\(daemon.log)")
        // Nothing was in flight at the stop, so nothing had to be waited for or cancelled.
        #expect(daemon.logged("stopping", "in_flight=0"))
        #expect(!daemon.logged("grace_period_over"))
        let closed = try #require(try probe.operatorState("down"))
        #expect(closed.circuitState == .closed)
        #expect(closed.consecutiveFailures == 0)
        // Four failed calls and one success per win: nothing was burnt while the circuit was open.
        #expect(try probe.attemptCount(operator: "down") == 4 + 5)
        #expect(transport.callCount(url: Self.downURL) == 4 + 5)
        let failedAttempts = try probe.query(
            "SELECT count(*) AS n FROM attempts JOIN wins ON wins.id = attempts.win_id WHERE wins.operator = 'down' AND attempts.outcome = 'retry'"
        )
        #expect(failedAttempts.first?.int("n") == 4)
    }

    /// A half-open circuit's probe that cannot be sent (its amount has more
    /// decimals than the operator takes) is parked without a call, and the next
    /// win probes instead: the circuit is not left waiting for an answer that
    /// will never come.
    @Test func anUnsendableProbeIsParkedAndTheNextWinProbes() async throws {
        let directory = TemporaryDirectory()
        let reachable = Atomic<Bool>(false)
        let transport = ScriptedTransport { _, number in
            reachable.load(ordering: .sequentiallyConsistent)
                ? ScriptedTransport.confirmed("tx-\(number)") : .failure(.connection("Connection refused"))
        }
        let circuit = "\"amountDecimals\": 2, \"circuit\": {\"failureThreshold\": 3, \"openSeconds\": 10, \"maxOpenSeconds\": 60}"
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "down", url: Self.downURL, secret: "x", extra: fastDelivery(concurrency: 1, extra: circuit))
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let clock = ManualClock(startingAt: WallClock.nowMilliseconds())
        let start = clock.now
        try probe.enqueue(winReferences("good", 3), operator: "down", now: start)

        let daemon = try RunningDispatcher(configPath: config, transport: transport, clock: clock.function)
        let opened = try await eventually {
            try probe.operatorState("down")?.circuitState == .open && probe.count(.pending, operator: "down") == 3
        }
        try #require(opened, "\(daemon.log)")
        // Due before the three retried wins, so it is the first claimed once the cool-down ends.
        try probe.enqueue(["three-decimals"], operator: "down", amount: "1.234", now: start)
        let openUntil = try #require(try probe.operatorState("down")?.circuitOpenUntil)
        reachable.store(true, ordering: .sequentiallyConsistent)
        clock.set(openUntil)

        let delivered = try await eventually { try probe.count(.delivered, operator: "down") == 3 }
        try await daemon.stop()
        #expect(delivered, "\(daemon.log)")
        let parked = try #require(try probe.win("three-decimals"))
        #expect(parked.state == .failed)
        #expect(parked.attempts == 0)
        #expect(parked.lastError?.contains("amountDecimals") == true, "\(parked.lastError ?? "none")")
        #expect(try probe.attempts("three-decimals").isEmpty)
        #expect(try probe.operatorState("down")?.circuitState == .closed)
        #expect(transport.callCount(url: Self.downURL) == 3 + 3)
        #expect(daemon.logged("win_failed", "reference=three-decimals"))
    }

    /// An endless or 200 MB answer is the endpoint's fault: such answers, cut off
    /// at the body cap, open the circuit like refused connections, so they stop
    /// taking the daemon's time from other operators.
    @Test func answersCutOffAtTheBodyCapOpenTheCircuit() async throws {
        let directory = TemporaryDirectory()
        let transport = ScriptedTransport { _, _ in
            .success(
                HTTPResponseData(
                    status: 200, body: [UInt8](repeating: UInt8(ascii: "x"), count: HTTPResponseData.bodyLimit),
                    bodyTruncated: true))
        }
        let circuit = "\"circuit\": {\"failureThreshold\": 3, \"openSeconds\": 10, \"maxOpenSeconds\": 60}"
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "down", url: Self.downURL, secret: "x", extra: fastDelivery(concurrency: 1, extra: circuit))
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let clock = ManualClock(startingAt: WallClock.nowMilliseconds())
        try probe.enqueue(winReferences("big", 5), operator: "down", now: clock.now)

        let daemon = try RunningDispatcher(configPath: config, transport: transport, clock: clock.function)
        let opened = try await eventually {
            try probe.operatorState("down")?.circuitState == .open && probe.count(.pending, operator: "down") == 5
        }
        try #require(opened, "\(daemon.log)")
        #expect(await daemon.dispatcher.waitForPasses(loop: 10))
        try await daemon.stop()

        #expect(try probe.attemptCount(operator: "down") == 3)
        #expect(transport.callCount(url: Self.downURL) == 3)
        #expect(daemon.logged("attempt", "detail=\"response body larger than 65536 bytes\""))
        #expect(daemon.logged("circuit", "operator=down", "state=open"))
    }
}

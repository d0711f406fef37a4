import Foundation
import Synchronization
import Testing
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import OperatorSimulator
import TestSupport

/// Cancelling the task that runs `DeliveryService.run()` is a hard stop: it
/// returns without waiting for calls or the grace period, and leaves the
/// outbox as a clean stop would, or at worst as a crash would: nothing leased,
/// every win still to send `pending`, nothing lost, nothing credited twice.
///
/// Each test awaits the stop against a deadline far longer than any stop
/// takes, and shorter than what a graceful stop would wait: how fast it
/// stops is not measured, only that it does.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct CancellationTests {
    static let secret = "cancel-secret"
    /// A graceful stop would wait this long for the hanging calls; the deadline is half of it.
    static let graceSeconds = 240.0
    static let deadlineSeconds = 120.0

    @Test func cancelledWhileIdleWaitingForWork() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: Self.secret, extra: fastDelivery())
            ], extraTopLevel: "\"shutdownGraceSeconds\": \(Self.graceSeconds)")
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let wins = winReferences("idle", 3)
        try probe.enqueue(wins, operator: "casino-a")
        let running = try CancellableService(configPath: config)
        let delivered = try await eventually { try probe.count(.delivered) == wins.count }
        // Nothing left to do: the loop and every chore go back to waiting.
        let idle = await running.service.dispatcher.waitForPasses(loop: 2, housekeeping: 1)

        let stopped = await running.cancelAndWait(within: Self.deadlineSeconds)

        #expect(delivered, "\(running.log)")
        #expect(idle)
        #expect(stopped, "\(running.log)")
        try running.result()
        #expect(try probe.count(.delivered) == wins.count)
        #expect(try probe.count() == wins.count)
        #expect(try Self.leased(probe) == 0)
        #expect(try Self.heartbeats(probe) == 0, "the heartbeat row outlived the stop")
        #expect(wallet.snapshot.credited == wins.count)
    }

    @Test func cancelledWhileCallsHang() async throws {
        let directory = TemporaryDirectory()
        let silent = AcceptButSilentPort()
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: silent.url, secret: Self.secret,
                    extra: fastDelivery(timeoutSeconds: 300, concurrency: 2))
            ], extraTopLevel: "\"shutdownGraceSeconds\": \(Self.graceSeconds)")
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let wins = winReferences("hang", 4)
        try probe.enqueue(wins, operator: "casino-a")
        let running = try CancellableService(configPath: config)
        // All four claimed; two calls started (the lane's concurrency), and they never end by themselves.
        let claimed = try await eventually { try probe.count(.sending) == wins.count }
        let started = await eventually { running.service.dispatcher.callsInFlight == 2 }

        let stopped = await running.cancelAndWait(within: Self.deadlineSeconds)

        #expect(claimed, "\(running.log)")
        #expect(started)
        #expect(stopped, "\(running.log)")
        try running.result()
        // The two cancelled calls are attempts to retry; the two wins never sent are handed back.
        #expect(try probe.count(.pending) == wins.count)
        #expect(try Self.leased(probe) == 0)
        #expect(try probe.attemptCount() == 2)
        let attempts = try wins.flatMap { try probe.attempts($0) }
        #expect(attempts.allSatisfy { $0.outcome == "retry" }, "\(attempts.map(\.outcome))")
        // The hard stop was taken. How many calls its log line still counts is a
        // race: cancelling the task cancels the calls, its children, at once, and
        // they may end before the loop gets there; the two retry attempts above
        // are what says both were cancelled.
        #expect(running.logged("cancelled"), "\(running.log)")
        #expect(!running.logged("grace_period_over"))
    }

    @Test func cancelledMidDeliveryLosesNoWinAndCreditsNoneTwice() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        wallet.setFaultPlan { _ in .delayThenAnswer(seconds: 0.05) }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: wallet.url, secret: Self.secret,
                    extra: fastDelivery(timeoutSeconds: 60, concurrency: 8))
            ], extraTopLevel: "\"shutdownGraceSeconds\": \(Self.graceSeconds)")
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let wins = winReferences("mid", 300)
        try probe.enqueue(wins, operator: "casino-a")
        let running = try CancellableService(configPath: config)
        let underway = try await eventually { try probe.count(.delivered) >= 20 }

        let stopped = await running.cancelAndWait(within: Self.deadlineSeconds)
        try #require(stopped, "\(running.log)")
        try running.result()
        let deliveredAtStop = try probe.count(.delivered)
        let pendingAtStop = try probe.count(.pending)
        let leasedAtStop = try Self.leased(probe)

        // A new service sends the rest; calls cut off by the stop are answered from the wallet's idempotency.
        wallet.setFaultPlan(nil)
        let again = try CancellableService(configPath: config)
        let allDelivered = try await eventually { try probe.count(.delivered) == wins.count }
        let stoppedAgain = await again.cancelAndWait(within: Self.deadlineSeconds)

        #expect(underway, "\(running.log)")
        #expect(deliveredAtStop + pendingAtStop == wins.count)
        #expect(leasedAtStop == 0)
        #expect(allDelivered, "\(again.log)")
        #expect(stoppedAgain)
        #expect(try probe.missing(wins) == [])
        #expect(wallet.snapshot.credited == wins.count)
        #expect(try probe.unconfirmedDeliveries(wallet) == [])
    }

    static func leased(_ probe: OutboxProbe) throws -> Int64 {
        try probe.query("SELECT count(*) AS n FROM wins WHERE state = 'sending' OR lease_owner IS NOT NULL").first?.int64("n")
            ?? -1
    }

    static func heartbeats(_ probe: OutboxProbe) throws -> Int64 {
        try probe.query("SELECT count(*) AS n FROM daemons").first?.int64("n") ?? -1
    }
}

/// A `DeliveryService` running on a task of its own, which the test cancels
/// instead of asking it to stop.
private final class CancellableService: Sendable {
    let service: DeliveryService
    private let sink: CapturingSink
    private let ended: RunResult
    private let task: Task<Void, Never>

    init(configPath: String) throws {
        let config = try ConfigLoader.load(path: configPath, environment: [:]).config
        let databasePath = try #require(config.database)
        let sink = CapturingSink()
        let service = DeliveryService(databasePath: databasePath, config: config, logger: Logger(sink: sink))
        let ended = RunResult()
        task = Task {
            do {
                try await service.run()
                ended.set(.success(()))
            } catch {
                ended.set(.failure(error))
            }
        }
        self.service = service
        self.sink = sink
        self.ended = ended
    }

    var log: [String] { sink.lines }

    func logged(_ event: String, _ fields: String...) -> Bool {
        log.contains { line in line.contains("event=\(event) ") && fields.allSatisfy { line.contains($0) } }
    }

    /// Cancels the task and waits until `run()` has returned, for at most `seconds`.
    func cancelAndWait(within seconds: Double) async -> Bool {
        task.cancel()
        return await eventually(within: seconds) { ended.value != nil }
    }

    /// What `run()` returned or threw; throws too while it is still running.
    func result() throws {
        guard let result = ended.value else { throw StillRunning() }
        try result.get()
    }

    private struct StillRunning: Error {}

    deinit {
        // A test that failed early must not leave a service running.
        task.cancel()
    }
}

/// What `run()` ended with, once it has.
private final class RunResult: Sendable {
    private let result = Mutex<Result<Void, any Error>?>(nil)

    var value: Result<Void, any Error>? { result.withLock { $0 } }

    func set(_ value: Result<Void, any Error>) { result.withLock { $0 = value } }
}

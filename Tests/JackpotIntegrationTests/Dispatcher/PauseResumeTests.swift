import Foundation
import Testing
import JackpotCLI
import JackpotDelivery
import JackpotStore
import OperatorSimulator
import TestSupport

/// `jackpotd pause` / `resume` from another process reach a running dispatcher.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct PauseResumeTests {
    @Test func pauseStopsNewAttemptsAndResumeDeliversTheRest() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "pause-secret")
        defer { wallet.stop() }
        // The first 20 calls are answered; the next ones wait at the gate until the
        // daemon has noticed the pause, so wins are always left to pause, however slow
        // the machine. The timeout outlasts the wait: no call is retried meanwhile.
        let gate = Gate()
        defer { gate.open() }
        wallet.setFaultPlan { number in
            if number > 20 { gate.wait() }
            return .delayThenAnswer(seconds: 0.05)
        }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: wallet.url, secret: "pause-secret",
                    extra: fastDelivery(timeoutSeconds: 60, concurrency: 4))
            ])
        let database = directory.path("outbox.sqlite3")
        let probe = OutboxProbe(database)
        let wins = winReferences("pause", 200)
        try probe.enqueue(wins, operator: "casino-a")

        let daemon = try RunningDispatcher(configPath: config)
        let started = try await eventually { try probe.count(.delivered) >= 20 }
        let pause = await runCLI(["pause", "casino-a", "--reason", "wallet maintenance", "--db", database])
        #expect(pause.code == .success, "\(pause.errors)")
        // The daemon notices, lets the calls in flight finish and hands back what it had claimed.
        let noticed = await eventually { daemon.logged("operator_paused", "operator=casino-a") }
        gate.open()
        let paused = try await eventually { try probe.count(.sending) == 0 }
        let attemptsWhenPaused = try probe.attemptCount()
        let requestsWhenPaused = wallet.snapshot.requests
        // Two more housekeeping rounds (each re-reads the pause flag) and many loop passes: nothing new.
        let settled = await daemon.dispatcher.waitForPasses(loop: 20, housekeeping: 2)
        let attemptsAfterSettle = try probe.attemptCount()
        let requestsAfterSettle = wallet.snapshot.requests
        let pendingWhilePaused = try probe.count(.pending)

        let resume = await runCLI(["resume", "casino-a", "--db", database])
        #expect(resume.code == .success, "\(resume.errors)")
        let allDelivered = try await eventually { try probe.count(.delivered) == wins.count }
        try await daemon.stop()

        #expect(started)
        #expect(noticed, "\(daemon.log)")
        #expect(paused)
        #expect(settled)
        #expect(attemptsAfterSettle == attemptsWhenPaused)
        #expect(requestsAfterSettle == requestsWhenPaused)
        #expect(pendingWhilePaused > 0)
        #expect(pendingWhilePaused + attemptsWhenPaused == wins.count)
        #expect(daemon.logged("operator_resumed", "operator=casino-a"))
        #expect(allDelivered)
        #expect(wallet.snapshot.credited == wins.count)
        #expect(wallet.snapshot.duplicates == 0)
    }

    /// A win enqueued the moment `pause` returns is never claimed, however long the
    /// daemon takes to see the flag in memory: the claim itself skips paused
    /// operators, in the transaction that leases the rows. Housekeeping, which
    /// copies the flag into memory, is held off for the whole test, so the only
    /// thing standing between the win and the wallet is the claim.
    @Test func aWinEnqueuedRightAfterPauseIsNotClaimedBeforeTheDaemonSeesThePause() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "pause-secret")
        defer { wallet.stop() }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: "pause-secret", extra: fastDelivery())
            ])
        let database = directory.path("outbox.sqlite3")
        let probe = OutboxProbe(database)
        try probe.enqueue(["warm-up"], operator: "casino-a")
        var settings = Dispatcher.Settings()
        settings.housekeepingIntervalMilliseconds = 3_600_000
        let daemon = try RunningDispatcher(configPath: config, settings: settings)
        let warm = try await eventually { try probe.count(.delivered) == 1 }
        try #require(warm, "\(daemon.log)")
        let requestsBefore = wallet.snapshot.requests

        let pause = await runCLI(["pause", "casino-a", "--reason", "incident", "--db", database])
        try #require(pause.code == .success, "\(pause.errors)")
        try probe.enqueue(["race-x"], operator: "casino-a")
        // The loop wakes on the write and claims; many passes later, still nothing sent.
        let passed = await daemon.dispatcher.waitForPasses(loop: 30)
        let requestsWhilePaused = wallet.snapshot.requests
        let stateWhilePaused = try probe.win("race-x")?.state
        let attemptsWhilePaused = try probe.attempts("race-x").count

        let resume = await runCLI(["resume", "casino-a", "--db", database])
        try #require(resume.code == .success, "\(resume.errors)")
        let delivered = try await eventually { try probe.win("race-x")?.state == .delivered }
        try await daemon.stop()

        #expect(passed)
        #expect(requestsWhilePaused == requestsBefore)
        #expect(stateWhilePaused == .pending)
        #expect(attemptsWhilePaused == 0)
        #expect(delivered, "\(daemon.log)")
        #expect(wallet.credit(for: "race-x") != nil)
        // Housekeeping never ran again: the claim alone held the pause.
        #expect(!daemon.logged("operator_paused"))
    }
}

import Foundation
import Testing
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
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
        let config = writeConfig(in: directory, operators: [
            TestOperator(name: "casino-a", url: wallet.url, secret: "pause-secret", extra: fastDelivery(timeoutSeconds: 60, concurrency: 4)),
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
}

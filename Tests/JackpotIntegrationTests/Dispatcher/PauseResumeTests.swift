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
@Suite struct PauseResumeTests {
    @Test func pauseStopsNewAttemptsAndResumeDeliversTheRest() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "pause-secret")
        defer { wallet.stop() }
        wallet.setFaultPlan { _ in .delayThenAnswer(seconds: 0.05) }
        let config = writeConfig(in: directory, operators: [
            TestOperator(name: "casino-a", url: wallet.url, secret: "pause-secret", extra: fastDelivery(concurrency: 4)),
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
        let paused = try await eventually {
            try daemon.logged("operator_paused", "operator=casino-a") && probe.count(.sending) == 0
        }
        let attemptsWhenPaused = try probe.attemptCount()
        let requestsWhenPaused = wallet.snapshot.requests
        try await Task.sleep(for: .seconds(1))
        let attemptsAfterSettle = try probe.attemptCount()
        let requestsAfterSettle = wallet.snapshot.requests
        let pendingWhilePaused = try probe.count(.pending)

        let resume = await runCLI(["resume", "casino-a", "--db", database])
        #expect(resume.code == .success, "\(resume.errors)")
        let allDelivered = try await eventually { try probe.count(.delivered) == wins.count }
        try await daemon.stop()

        #expect(started)
        #expect(paused)
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

import Foundation
import Testing
import JackpotStore
import OperatorSimulator
import TestSupport

/// `kill -9` of the real `jackpotd run` process in the middle of deliveries,
/// twice: nothing is lost, nothing stays leased, the operator credits each win once.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct CrashSafetyTests {
    @Test func killedDaemonsLoseNothingAndEveryWinIsCreditedOnce() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "crash-secret")
        defer { wallet.stop() }
        // Every call is credited at once and answered 0.3 s later: a kill
        // always finds calls whose credit happened and whose answer did not arrive.
        // The kill is triggered by the operator itself, when request N arrives, so it
        // lands mid-delivery however fast or slow the machine is.
        let trigger = KillTrigger()
        wallet.setFaultPlan { number in
            trigger.requestArrived(number)
            return .delayThenAnswer(seconds: 0.3)
        }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: wallet.url, secret: "crash-secret",
                    extra: fastDelivery(timeoutSeconds: 2, concurrency: 4))
            ], extraTopLevel: "\"shutdownGraceSeconds\": 2")
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let wins = winReferences("crash", 200)
        try probe.enqueue(wins, operator: "casino-a")

        for round in 1...2 {
            let killAt = wallet.snapshot.requests + 30
            trigger.arm(atRequest: killAt)
            let daemon = try DaemonProcess(["run", "--config", config], logPath: directory.path("daemon-\(round).log"))
            trigger.target(daemon.pid)
            let status = await daemon.waitForExit(within: 120)
            try #require(status != nil, "round \(round): still running: \(daemon.log)")
            #expect(trigger.killed, "round \(round): the daemon ended before request \(killAt): \(daemon.log)")
            #expect(wallet.snapshot.requests >= killAt)
            // Killed mid-delivery: some wins done, some leased to the dead process
            // (request N's win among them: its call was under way at the kill).
            #expect(try probe.count(.delivered) < wins.count)
            #expect(try probe.count(.sending) > 0)
            if round == 2 { #expect(daemon.log.contains("event=leases_recovered")) }
        }

        let last = try DaemonProcess(["run", "--config", config], logPath: directory.path("daemon-3.log"))
        let finished = try await eventually(within: 90) { try probe.count(.delivered) == wins.count }
        await last.waitForStart()
        last.send(SIGTERM)
        #expect(await last.waitForExit(within: 10) == 0)

        #expect(finished, "\(last.log)")
        #expect(last.log.contains("event=leases_recovered"))
        #expect(try probe.count(.sending) == 0)
        #expect(try probe.count(.pending) == 0)
        #expect(try probe.count(.failed) == 0)
        let snapshot = wallet.snapshot
        #expect(snapshot.credited == wins.count)
        #expect(snapshot.hashFailures == 0)
        // Calls cut off by the kills were sent again: the operator saw repeats
        // and answered them with the id of the one credit.
        #expect(snapshot.duplicates > 0)
        for win in try probe.wins() {
            #expect(win.transactionId != nil)
            #expect(win.transactionId == wallet.credit(for: win.reference)?.transactionId)
        }
        #expect(try probe.integrityCheck() == "ok")
    }
}

import Foundation
import Testing
import JackpotStore
import OperatorSimulator
import TestSupport

/// One operator's trouble or backlog must not hold up another's wins.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct FairnessTests {
    @Test func hangingOperatorDoesNotStopAHealthyOne() async throws {
        let directory = TemporaryDirectory()
        let hanging = try ScriptedOperator(secret: "hang-secret")
        let healthy = try ScriptedOperator(secret: "ok-secret")
        defer { hanging.stop(); healthy.stop() }
        hanging.setFaultPlan { _ in .hang }
        // A global limit small enough that the hanging operator could take every slot.
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "hanging", url: hanging.url, secret: "hang-secret",
                    extra: fastDelivery(timeoutSeconds: 1, concurrency: 4)),
                TestOperator(name: "healthy", url: healthy.url, secret: "ok-secret", extra: fastDelivery(concurrency: 4)),
            ], extraTopLevel: "\"concurrency\": 6, \"shutdownGraceSeconds\": 2")
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        try probe.enqueue(winReferences("stuck", 20), operator: "hanging")
        let wins = winReferences("fine", 100)
        try probe.enqueue(wins, operator: "healthy")

        let daemon = try RunningDispatcher(configPath: config)
        let healthyDone = try await eventually(within: 60) { try probe.count(.delivered, operator: "healthy") == wins.count }
        // Let the hanging operator's calls run into their timeouts at least once.
        let hangingTried = try await eventually { try probe.attemptCount(operator: "hanging") > 0 }
        try await daemon.stop()

        #expect(healthyDone)
        #expect(hangingTried)
        #expect(healthy.snapshot.credited == wins.count)
        #expect(try probe.count(.delivered, operator: "hanging") == 0)
        #expect(try probe.count(.pending, operator: "hanging") == 20)
        #expect(hanging.snapshot.credited == 0)
        let hangingAttempts = try probe.query(
            "SELECT detail, outcome FROM attempts JOIN wins ON wins.id = attempts.win_id WHERE wins.operator = 'hanging'")
        #expect(hangingAttempts.allSatisfy { $0.string("detail") == "timeout" && $0.string("outcome") == "retry" })
    }

    @Test func aBacklogOfOneOperatorDoesNotDelayAnothersNewWin() async throws {
        let directory = TemporaryDirectory()
        let busy = try ScriptedOperator(secret: "busy-secret")
        let quiet = try ScriptedOperator(secret: "quiet-secret")
        defer { busy.stop(); quiet.stop() }
        busy.setFaultPlan { _ in .delayThenAnswer(seconds: 0.02) }
        // Two global slots, both wanted by the backlog.
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "busy", url: busy.url, secret: "busy-secret", extra: fastDelivery(concurrency: 2)),
                TestOperator(name: "quiet", url: quiet.url, secret: "quiet-secret", extra: fastDelivery(concurrency: 2)),
            ], extraTopLevel: "\"concurrency\": 2, \"shutdownGraceSeconds\": 2")
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let backlog = winReferences("backlog", 3000)
        try probe.enqueue(backlog, operator: "busy")

        let daemon = try RunningDispatcher(configPath: config)
        let busyRunning = try await eventually { try probe.count(.delivered, operator: "busy") >= 10 }
        try probe.enqueue(["new-win"], operator: "quiet")
        let quietDelivered = try await eventually { try probe.win("new-win")?.state == .delivered }
        let backlogLeft = try probe.count(.pending, operator: "busy") + probe.count(.sending, operator: "busy")
        try await daemon.stop()

        #expect(busyRunning)
        #expect(quietDelivered)
        // The new win overtook most of the backlog instead of queueing behind it.
        #expect(backlogLeft > backlog.count / 2)
        #expect(try probe.win("new-win")?.transactionId == quiet.credit(for: "new-win")?.transactionId)
    }
}

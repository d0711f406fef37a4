import Foundation
import Testing
import JackpotCLI
import JackpotStore
import OperatorSimulator
import TestSupport

/// Another writer holds the outbox's write lock longer than the busy timeout (a
/// setting: 1 s here, so the test does not wait out the default 5 s) while the
/// daemon has calls in flight: the daemon says so in its log, keeps the
/// operator's answers in memory, and stores them all once the lock is gone.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DatabaseLockTests {
    @Test func daemonOutlastsAWriteLockHeldPastTheBusyTimeout() async throws {
        let rig = try ChildDaemonRig(extraTopLevel: #""busyTimeoutSeconds": 1"#)
        defer {
            rig.answers.open()
            rig.wallet.stop()
        }
        // Answers held back, so that calls are in flight when the lock is taken.
        let (before, during) = try await rig.startWithCallsInFlight()

        let blocker = try Database(path: rig.databasePath)
        try blocker.execute("BEGIN IMMEDIATE")
        rig.answers.open()
        // An enqueue meanwhile (a separate process, as a platform would run it) waits out
        // its busy timeout, then fails cleanly: exit 1, one clear line, nothing stored.
        let lateFile = rig.winFile(ChildDaemonRig.references("late", 3))
        let late = try DaemonProcess(
            ["enqueue", "--config", rig.configPath, "--file", lateFile],
            logPath: rig.directory.path("late-enqueue.log"))
        let lateStatus = await late.waitForExit(within: 60)
        // The slow answers arrive while the lock is held and the daemon cannot store them.
        let credited = await eventually { rig.wallet.snapshot.credited == before.count + during.count }
        let blocked = await eventually { !rig.events("storage_error").isEmpty }

        #expect(rig.daemon?.process.isRunning == true, "the daemon must outlive a locked database")
        let storageErrors = rig.events("storage_error")
        #expect(blocked, "log: \(rig.daemon?.log ?? "")")
        #expect(storageErrors.allSatisfy { $0.contains("database is locked") }, "\(storageErrors)")
        // The operator credited the slow calls; none is recorded yet, and none is lost.
        #expect(credited)
        #expect(try rig.probe.count(.delivered) == before.count)
        try blocker.execute("ROLLBACK")

        #expect(lateStatus == 1)
        #expect(late.log.contains("database is locked"), "\(late.log)")
        #expect(try rig.probe.missing(["late-1"]) == ["late-1"], "a failed enqueue stores nothing")

        #expect(try await eventually { try rig.probe.allDelivered(before + during) })
        #expect(await eventually { !rig.events("storage_recovered").isEmpty })
        rig.wallet.setFaultPlan(nil)
        let after = ChildDaemonRig.references("after", 3)
        #expect(await rig.enqueue(after).code == .success)
        #expect(try await eventually { try rig.probe.allDelivered(after) })

        #expect(await rig.stopDaemon() == 0)
        #expect(try rig.audit(expected: before + during + after) == [])
        // Each win was credited once; an answer held through the lock is the one stored.
        #expect(rig.wallet.snapshot.credited == before.count + during.count + after.count)
        for reference in during {
            #expect(try rig.probe.win(reference)?.transactionId == rig.wallet.credit(for: reference)?.transactionId)
        }
    }
}

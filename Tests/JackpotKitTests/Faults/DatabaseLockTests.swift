import Foundation
import Testing
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator

/// Another writer holds the outbox's write lock longer than the 5 s busy timeout
/// while the daemon has calls in flight: the daemon says so in its log, keeps the
/// operator's answers in memory, and stores them all once the lock is gone.
@Suite struct DatabaseLockTests {
    @Test func daemonOutlastsAWriteLockHeldPastTheBusyTimeout() async throws {
        let rig = try ChildDaemonRig()
        defer { rig.wallet.stop() }
        // Slow answers, so that calls are in flight when the lock is taken.
        let (before, during) = try await rig.startWithCallsInFlight()

        let blocker = try Database(path: rig.databasePath)
        try blocker.execute("BEGIN IMMEDIATE")
        // An enqueue meanwhile (a separate process, as a platform would run it) waits out
        // its busy timeout, then fails cleanly: exit 1, one clear line, nothing stored.
        let lateFile = rig.winFile(ChildDaemonRig.references("late", 3))
        let late = try DaemonProcess(["enqueue", "--create", "--db", rig.databasePath, "--file", lateFile],
                                     logPath: rig.directory.path("late-enqueue.log"))
        try await Task.sleep(for: .milliseconds(6_500))
        let lateStatus = await late.waitForExit(within: 5)

        #expect(rig.daemon?.process.isRunning == true, "the daemon must outlive a locked database")
        let storageErrors = rig.events("storage_error")
        #expect(!storageErrors.isEmpty, "log: \(rig.daemon?.log ?? "")")
        #expect(storageErrors.allSatisfy { $0.contains("database is locked") }, "\(storageErrors)")
        // The operator credited the slow calls; none is recorded yet, and none is lost.
        #expect(rig.wallet.snapshot.credited == before.count + during.count)
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

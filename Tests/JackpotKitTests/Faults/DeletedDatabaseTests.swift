import Foundation
import Testing
@testable import JackpotKit

/// The outbox deleted (`rm outbox.sqlite3*`) under a running daemon.
///
/// What happens, in plain words: deleting a file that is open does not take it
/// away from the process holding it, so the daemon keeps working on the deleted
/// file — no crash, no error — and what it records there is gone with it when it
/// exits. A platform writing to the path meanwhile creates a new, empty outbox
/// there, which that daemon does not see; a restarted daemon opens the new file
/// and delivers everything in it. Deleting a live outbox is the one fault no
/// daemon can undo: restore it from a backup (`jackpotd backup`) instead.
@Suite struct DeletedDatabaseTests {
    @Test func deletedOutboxIsReplacedByANewOneThatARestartedDaemonDelivers() async throws {
        let rig = try ChildDaemonRig()
        defer { rig.wallet.stop() }
        try rig.startDaemon()
        let first = ChildDaemonRig.references("first", 3)
        #expect(await rig.enqueue(first).code == .success)
        #expect(try await eventually { try rig.probe.allDelivered(first) })

        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: rig.databasePath + suffix)
        }
        let second = ChildDaemonRig.references("second", 3)
        let enqueued = await rig.enqueue(second)
        #expect(enqueued.code == .success, "a platform's enqueue creates a new outbox: \(enqueued.errors)")
        #expect(try Set(rig.probe.wins().map(\.reference)) == Set(second), "the new file holds only the new wins")

        // The running daemon does not crash over it, and stops cleanly.
        try await Task.sleep(for: .milliseconds(500))
        #expect(rig.daemon?.process.isRunning == true)
        #expect(await rig.stopDaemon() == 0)

        // A restarted daemon works on the new file and delivers what is in it, once.
        try rig.startDaemon()
        #expect(try await eventually { try rig.probe.allDelivered(second) })
        #expect(await rig.stopDaemon() == 0)
        #expect(try rig.audit(expected: second) == [])
        #expect(rig.wallet.snapshot.credited == first.count + second.count)
        #expect(rig.wallet.snapshot.duplicates == 0)
    }
}

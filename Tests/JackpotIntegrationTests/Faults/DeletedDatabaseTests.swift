import Foundation
import Testing
import JackpotCLI
import JackpotStore
import OperatorSimulator
import TestSupport

/// The outbox deleted (`rm outbox.sqlite3*`) under a running daemon.
///
/// What happens, in plain words: deleting a file that is open does not take it
/// away from the process holding it, so the daemon would go on working on a file
/// nobody else sees. It checks for that every half second: it logs
/// `database_moved`, stops cleanly and exits 1, so systemd (`Restart=on-failure`)
/// starts a daemon on the file now at that path — the new, empty outbox a
/// platform's next enqueue creates — which delivers everything in it. What only
/// the deleted file held is gone: deleting a live outbox is the one fault no
/// daemon can undo; restore it from a backup (`jackpotd backup`) instead.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DeletedDatabaseTests {
    @Test func deletedOutboxStopsTheDaemonAndARestartedOneDeliversTheNewFile() async throws {
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

        // The running daemon notices, says so and exits 1 for its service manager to restart it.
        #expect(await rig.daemon?.waitForExit(within: 15) == 1, "\(rig.daemon?.log ?? "")")
        #expect(rig.events("database_moved").count == 1)

        // A restarted daemon works on the new file and delivers what is in it, once.
        try rig.startDaemon()
        #expect(try await eventually { try rig.probe.allDelivered(second) })
        #expect(await rig.stopDaemon() == 0)
        #expect(try rig.audit(expected: second) == [])
        #expect(rig.wallet.snapshot.credited == first.count + second.count)
        #expect(rig.wallet.snapshot.duplicates == 0)
    }
}

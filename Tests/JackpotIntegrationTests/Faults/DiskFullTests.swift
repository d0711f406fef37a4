import Foundation
import Testing
import JackpotCLI
import JackpotIngest
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// A full disk. Two ways: the outbox's own connection capped with
/// `PRAGMA max_page_count` (always possible, but per connection, so at the
/// Outbox level), and the real thing — the daemon's database on a tiny tmpfs
/// that the test fills — where mounting is allowed. Either way a write that does
/// not fit fails whole, with `isFull`, and everything succeeds once there is room.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DiskFullTests {
    private func newWins(_ prefix: String, _ count: Int, operator name: String = "casino-a") throws -> [NewWin] {
        try (1...count).map { index in
            try WinLineParser.parse(Array(winLine("\(prefix)-\(index)", operator: name).utf8), now: 1_700_000_000_000)
        }
    }

    private func expectFull(_ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected SQLITE_FULL")
        } catch let error as DatabaseError {
            #expect(error.isFull, "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func outboxAtItsPageLimitFailsWholeWritesAndRecoversWhenRaised() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        let first = try newWins("first", 50)
        #expect(try outbox.enqueue(first, now: 1) == Array(repeating: .accepted, count: 50))
        let claimed = try outbox.claim(operator: "casino-a", limit: 10, owner: "test", leaseExpiresAt: 100_000, now: 2)
        #expect(claimed.count == 10)

        // No page beyond what the file has now.
        let pages = try outbox.database.queryScalar("PRAGMA page_count").integerValue ?? 0
        try outbox.database.execute("PRAGMA max_page_count = \(pages)")

        // A batch that does not fit: nothing of it is stored, the counts stay true.
        let second = try newWins("second", 500)
        expectFull { _ = try outbox.enqueue(second, now: 3) }
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins").integerValue == 50)
        #expect(try outbox.database.queryScalar("SELECT sum(count) FROM win_counts").integerValue == 50)

        // Outcomes that do not fit (attempt rows with long details): not one is half-written.
        let detail = String(repeating: "operator said something long ", count: 200)
        let outcomes = claimed.map { win in
            RecordedOutcome(
                winId: win.id,
                attempt: AttemptRecord(
                    winId: win.id, attempt: 1, startedAt: 3, durationMs: 1, httpStatus: 200, errorCode: nil,
                    outcome: "delivered", detail: detail, responseHead: detail, daemon: "test"),
                change: .delivered(Confirmation(transactionId: "tx-\(win.id)")))
        }
        expectFull { try outbox.database.transaction { try outbox.record(outcomes, owner: "test", now: 4) } }
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM attempts").integerValue == 0)
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins WHERE state = 'sending'").integerValue == 10)
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins WHERE state = 'delivered'").integerValue == 0)

        // Room again: the same writes go through, exactly once.
        try outbox.database.execute("PRAGMA max_page_count = 1073741823")
        #expect(try outbox.enqueue(second, now: 5) == Array(repeating: .accepted, count: 500))
        try outbox.database.transaction { try outbox.record(outcomes, owner: "test", now: 6) }
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins").integerValue == 550)
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins WHERE state = 'delivered'").integerValue == 10)
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM attempts").integerValue == 10)
        #expect(try outbox.database.queryScalar("SELECT sum(count) FROM win_counts").integerValue == 550)
        #expect(try outbox.database.integrityCheck() == "ok")
    }

    // Root (CAP_SYS_ADMIN) only: a real full disk needs a tmpfs of its own to fill.
    // Skipped (with this reason shown) for other users.
    @Test(.enabled(if: SmallFilesystem.isAvailable, "needs the right to mount a tmpfs"))
    func daemonOnAFullFilesystemKeepsItsResultsAndStoresThemWhenThereIsRoom() async throws {
        let filesystem = try #require(SmallFilesystem())
        let rig = try ChildDaemonRig(database: filesystem.path + "/outbox.sqlite3")
        defer {
            rig.answers.open()
            rig.wallet.stop()
        }
        // Calls in flight when the disk fills up: their answers cannot be stored.
        let (before, during) = try await rig.startWithCallsInFlight()
        filesystem.fill()
        rig.answers.open()

        #expect(await eventually { !rig.events("storage_error").isEmpty })
        #expect(
            rig.events("storage_error").contains { $0.contains("database or disk is full") },
            "\(rig.events("storage_error"))")
        // A platform's enqueue now fails whole, with a clear error.
        let refused = await rig.enqueue(ChildDaemonRig.references("refused", 20))
        #expect(refused.code == .failure)
        #expect(refused.errors.contains("database or disk is full"), "\(refused.errors)")
        #expect(try rig.probe.missing(["refused-1", "refused-20"]) == ["refused-1", "refused-20"])
        #expect(rig.daemon?.process.isRunning == true)
        #expect(await eventually { rig.wallet.snapshot.credited == before.count + during.count })
        #expect(try rig.probe.count(.delivered) == before.count, "no delivery is recorded without room to record it")

        filesystem.free()
        #expect(try await eventually { try rig.probe.allDelivered(during) })
        #expect(await eventually { !rig.events("storage_recovered").isEmpty })
        rig.wallet.setFaultPlan(nil)
        let after = ChildDaemonRig.references("refused", 20)
        #expect(await rig.enqueue(after).code == .success, "the same batch goes through once there is room")
        #expect(try await eventually { try rig.probe.allDelivered(after) })

        #expect(await rig.stopDaemon() == 0)
        #expect(try rig.audit(expected: before + during + after) == [])
        #expect(rig.wallet.snapshot.credited == before.count + during.count + after.count)
        withExtendedLifetime(filesystem) {}  // mounted until the last check
    }
}

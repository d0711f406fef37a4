import Foundation
import Testing
import TestSupport
import JackpotStore

@Suite(.timeLimit(.minutes(2))) struct SchemaMigrationTests {
    /// A file as today's (v1) jackpotd leaves it, with a win in every state.
    static func makeVersion1File(_ path: String) throws {
        let database = try Database(path: path)
        try database.transaction {
            try database.executeScript(Schema.migrations[0])
            try database.setUserVersion(1)
        }
        let columns = "reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp, state, updated_at"
        for (reference, state) in [("v-pending", "pending"), ("v-failed", "failed"), ("v-cancelled", "cancelled")] {
            try database.execute(
                "INSERT INTO wins (\(columns)) VALUES (?, 'casino-a', '421', 'g', 'r', '55', 'j', '1482429190374', ?, 7000)",
                [.text(reference), .text(state)])
        }
        try database.execute("UPDATE wins SET cancel_reason = 'void', cancelled_at = 6000 WHERE reference = 'v-cancelled'")
        try database.execute(
            """
            INSERT INTO wins (\(columns), transaction_id, delivered_at, attempts)
            VALUES ('v-delivered', 'casino-a', '421', 'g', 'r', '55', 'j', '1482429190374', 'delivered', 7000, '88', 5000, 1)
            """)
        try database.execute(
            """
            INSERT INTO attempts (win_id, attempt, started_at, duration_ms, outcome, detail, daemon)
            SELECT id, 1, 5000, 3.5, 'delivered', 'transactionId 88', 'h:1:x' FROM wins WHERE reference = 'v-delivered'
            """)
        try database.execute("INSERT INTO meta (key, value) VALUES ('validated_through', '4')")
    }

    @Test func aVersion1FileIsMigratedInPlaceWithNothingLost() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        try Self.makeVersion1File(path)
        let before = try Database(path: path).query("SELECT reference, state, attempts, transaction_id FROM wins ORDER BY id")
            .map {
                "\($0.string("reference") ?? "") \($0.string("state") ?? "") \($0.int("attempts") ?? -1) \($0.string("transaction_id") ?? "-")"
            }

        let outbox = try Outbox(path: path)
        #expect(try outbox.database.userVersion() == Schema.currentVersion)
        let after = try outbox.database.query("SELECT reference, state, attempts, transaction_id FROM wins ORDER BY id")
            .map {
                "\($0.string("reference") ?? "") \($0.string("state") ?? "") \($0.int("attempts") ?? -1) \($0.string("transaction_id") ?? "-")"
            }
        #expect(after == before)
        #expect(before.count == 4)
        let delivered = try #require(try outbox.win(reference: "v-delivered"))
        #expect(try outbox.attempts(winId: delivered.id).map(\.detail) == ["transactionId 88"])
        #expect(try outbox.win(reference: "v-failed")?.finalizedAt == 7000)
        #expect(try outbox.win(reference: "v-cancelled")?.finalizedAt == 6000)
        #expect(try outbox.win(reference: "v-pending")?.finalizedAt == nil)
        #expect(try outbox.database.integrityCheck() == "ok")
        let counts = try outbox.statusSnapshot(now: 8000)
        #expect(counts.total(.pending) == 1 && counts.total(.delivered) == 1 && counts.total(.failed) == 1)

        // The pending row is checked once more under the new per-row rule; the others need no check.
        #expect(
            try outbox.database.queryScalar("SELECT group_concat(reference) FROM wins WHERE validated = 0").textValue
                == "v-pending")
        #expect(try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 9000).isEmpty)
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins WHERE validated = 0").integerValue == 0)
        // And the purge of the migrated delivered win leaves its tombstone.
        #expect(try outbox.purgeDelivered(before: 6000, now: 9000, by: "test") == 1)
        #expect(try outbox.tombstone(reference: "v-delivered")?.transactionId == "88")
    }
}

import Testing
import TestSupport
import JackpotStore

/// A plain-SQL row of a purged reference is parked, through its own small
/// table, as it was before that table existed.
@Suite(.timeLimit(.minutes(2))) struct PurgedReferenceInsertsTests {
    static let insert = """
        INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, state)
        VALUES (?, 'casino-a', '421', 'g', 'r', '55', 'j', ?)
        """

    /// A new outbox with a tombstone for `w-purged`, then plain-SQL rows for
    /// `w-purged` and `w-new`, casino-a's first rows.
    static func purgedAndNewRowInserted(in directory: TemporaryDirectory) throws -> Outbox {
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        try outbox.database.execute(
            """
            INSERT INTO tombstones (reference, operator, content_digest, transaction_id, delivered_at, purged_at)
            VALUES ('w-purged', 'casino-a', x'00', 'tx-88', 1764650000000, 1767250000000)
            """)
        try outbox.database.execute(insert, ["w-purged", "pending"])
        try outbox.database.execute(insert, ["w-new", "pending"])
        return outbox
    }

    @Test func aPlainSQLRowOfAPurgedReferenceIsStillParkedAndNothingIsLeftBehind() throws {
        let directory = TemporaryDirectory()
        let outbox = try Self.purgedAndNewRowInserted(in: directory)

        let parked = try #require(try outbox.win(reference: "w-purged"))
        #expect(parked.state == .failed)
        #expect(
            parked.lastError
                == "reference already delivered on 2025-12-02T04:33:20.000Z (transactionId tx-88), purged on 2026-01-01T06:46:40.000Z; not sent again"
        )
        #expect(try outbox.database.queryScalar("SELECT validated FROM wins WHERE reference = 'w-purged'").integerValue == 1)
        #expect(try outbox.win(reference: "w-new")?.state == .pending)
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM purged_reference_inserts").integerValue == 0)
    }

    @Test func theCountsPerStateHoldTheParkedRowAsFailedOnly() throws {
        // The operator's first row is the purged reference's: no count of its pending wins exists yet.
        let directory = TemporaryDirectory()
        let outbox = try Self.purgedAndNewRowInserted(in: directory)

        let counted = try outbox.database.query(
            "SELECT state, count FROM win_counts WHERE operator = 'casino-a' AND count != 0 ORDER BY state")
        #expect(counted.map { "\($0.string("state") ?? "-") \($0.int("count") ?? -1)" } == ["failed 1", "pending 1"])
    }
}

import Testing
import TestSupport
import JackpotStore

/// The insert-cost migration keeps every rule on a new win: the state check,
/// rewritten in place, and the parking of a purged reference's plain-SQL row,
/// now through its own small table. The rows stay, and a win's insert builds
/// no temporary index.
@Suite(.timeLimit(.minutes(2))) struct InsertCostMigrationTests {
    static let insert = """
        INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, state)
        VALUES (?, 'casino-a', '421', 'g', 'r', '55', 'j', ?)
        """

    @Test func theStateRuleStaysTheSameForEveryConnectionAndTheRowsAreKept() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let index = try #require(Schema.migrations.firstIndex(of: Schema.insertCost))
        // A connection open before the migration, with the old schema loaded, as another process would hold it.
        let earlier = try Database(path: path)
        try earlier.transaction {
            for migration in Schema.migrations[..<index] { try earlier.executeScript(migration) }
            try earlier.setUserVersion(index)
        }
        try earlier.execute(Self.insert, ["w-pending", "pending"])
        try earlier.execute(Self.insert, ["w-failed", "failed"])
        #expect(try Self.tableText(earlier).contains("state IN ("))
        #expect(Self.stateRuleInForce(earlier)?.contains("state IN (") == true)

        let outbox = try Outbox(path: path)
        #expect(try outbox.database.userVersion() == Schema.currentVersion)
        let table = try Self.tableText(outbox.database)
        #expect(!table.contains("state IN ("), "\(table)")
        #expect(
            table.contains(
                "CHECK (state = 'pending' OR state = 'sending' OR state = 'delivered' OR state = 'failed' OR state = 'cancelled')"
            ))
        #expect(
            try outbox.database.query("SELECT reference, state FROM wins ORDER BY id").map {
                "\($0.string("reference") ?? "") \($0.string("state") ?? "")"
            } == ["w-pending pending", "w-failed failed"])
        #expect(try outbox.database.integrityCheck() == "ok")

        // Both connections apply the new text: the migrating one reloaded its schema, the
        // earlier one saw the schema version change. The refusal names the rule in force.
        for database in [outbox.database, earlier] {
            let rule = Self.stateRuleInForce(database)
            #expect(rule?.contains("state = 'pending' OR state = 'sending'") == true, "\(rule ?? "no refusal")")
            #expect(throws: DatabaseError.self) {
                try database.execute("UPDATE wins SET state = 'PENDING' WHERE reference = 'w-pending'")
            }
        }
        try earlier.execute(Self.insert, ["w-cancelled", "cancelled"])
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins").integerValue == 3)
        #expect(try Self.ephemeralTables(Database(path: path)) == 0)
    }

    @Test func anInsertBuildsNoTemporaryIndex() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        #expect(try Self.ephemeralTables(outbox.database) == 0)
    }

    /// The text of the CHECK that refuses a win in an unknown state, as SQLite reports it.
    static func stateRuleInForce(_ database: Database) -> String? {
        do {
            try database.execute(insert, ["w-lost", "lost"])
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aPlainSQLRowOfAPurgedReferenceIsStillParkedAndNothingIsLeftBehind() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        try outbox.database.execute(
            """
            INSERT INTO tombstones (reference, operator, content_digest, transaction_id, delivered_at, purged_at)
            VALUES ('w-purged', 'casino-a', x'00', 'tx-88', 1764650000000, 1767250000000)
            """)
        try outbox.database.execute(Self.insert, ["w-purged", "pending"])
        try outbox.database.execute(Self.insert, ["w-new", "pending"])

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

    /// `OpenEphemeral` steps in the plan of a win's insert: a temporary index built each time it runs.
    /// Asked of a connection that has not explained it before: SQLite does not prepare an
    /// `EXPLAIN` again after a schema change.
    static func ephemeralTables(_ database: Database) throws -> Int {
        try database.query("EXPLAIN " + insert, ["w-explained", "pending"]).filter { $0.string("opcode") == "OpenEphemeral" }
            .count
    }

    static func tableText(_ database: Database) throws -> String {
        try database.queryScalar("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'wins'").textValue ?? ""
    }
}

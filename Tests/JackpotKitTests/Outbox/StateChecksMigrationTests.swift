import Testing
import TestSupport
import JackpotStore

/// The state-checks migration edits two table definitions in place: the rows
/// stay, the CHECKs accept the same values, and no statement that writes a
/// state or an attempt's outcome builds a temporary index of the allowed values.
@Suite(.timeLimit(.minutes(2))) struct StateChecksMigrationTests {
    static let index = Schema.migrations.firstIndex(of: Schema.stateChecks)!

    /// A win's insert, a state change and an attempt row, as `EXPLAIN` lists their programs.
    static let writes = [
        """
        INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, state)
        VALUES ('w-explained', 'casino-a', '421', 'g', 'r', '55', 'j', 'pending')
        """,
        "UPDATE wins SET state = 'sending', lease_owner = 'host:1', lease_expires_at = 9 WHERE id = 1",
        """
        INSERT INTO attempts (win_id, attempt, started_at, duration_ms, outcome, detail, daemon)
        VALUES (1, 1, 4, 1.5, 'retry', 'HTTP 503', 'host:1')
        """,
    ]

    static func temporaryIndexes(_ database: Database) throws -> [String] {
        try writes.filter { sql in
            try database.query("EXPLAIN " + sql).contains { $0.string("opcode") == "OpenEphemeral" }
        }
    }

    static func makePreviousSchema(at path: String) throws {
        let old = try Database(path: path)
        try old.transaction {
            for migration in Schema.migrations[..<index] { try old.executeScript(migration) }
            try old.setUserVersion(index)
        }
        try old.executeScript(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp, validated)
            VALUES ('old-pending', 'casino-a', '421', 'g', 'r', '55.5', '568', '1482429190374', 1);
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp,
                              state, attempts, transaction_id, delivered_at, validated)
            VALUES ('old-delivered', 'casino-a', '422', 'g', 'r', '10', '568', '1482429190375', 'delivered', 1, 'tx-1', 5, 1);
            INSERT INTO attempts (win_id, attempt, started_at, duration_ms, http_status, outcome, detail, daemon)
            VALUES (2, 1, 4, 12.5, 200, 'delivered', 'delivered, transactionId tx-1', 'host:1');
            """)
    }

    @Test func theRowsStayAndTheChecksAcceptTheSameValues() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        try Self.makePreviousSchema(at: path)
        #expect(try Self.temporaryIndexes(try Database(path: path)) == Self.writes)

        let outbox = try Outbox(path: path)
        #expect(try outbox.database.userVersion() == Schema.currentVersion)
        #expect(try outbox.database.integrityCheck() == "ok")
        #expect(try Self.temporaryIndexes(outbox.database).isEmpty)
        let rows = try outbox.database.query("SELECT reference, state, transaction_id FROM wins ORDER BY id")
        #expect(rows.map { $0.string("reference") } == ["old-pending", "old-delivered"])
        #expect(rows.map { $0.string("state") } == ["pending", "delivered"])
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM attempts").integerValue == 1)
        let snapshot = try outbox.statusSnapshot(now: 10)
        #expect(snapshot.count(.pending, operator: "casino-a") == 1)
        #expect(snapshot.count(.delivered, operator: "casino-a") == 1)

        for state in ["pending", "sending", "delivered", "failed", "cancelled"] {
            try outbox.database.execute(
                "UPDATE wins SET state = ?, lease_owner = 'host:1', lease_expires_at = 9, transaction_id = 'tx' WHERE id = 1",
                [.text(state)])
        }
        for outcome in ["delivered", "retry", "failed"] {
            try outbox.database.execute(
                """
                INSERT INTO attempts (win_id, attempt, started_at, duration_ms, outcome, detail, daemon)
                VALUES (1, 1, 4, 1.5, ?, 'detail', 'host:1')
                """, [.text(outcome)])
        }
        let refusedState = #expect(throws: DatabaseError.self) {
            try outbox.database.execute("UPDATE wins SET state = 'paid' WHERE id = 1")
        }
        #expect(refusedState?.isConstraint == true && refusedState?.message.contains("CHECK") == true)
        let refusedOutcome = #expect(throws: DatabaseError.self) {
            try outbox.database.execute(
                """
                INSERT INTO attempts (win_id, attempt, started_at, duration_ms, outcome, detail, daemon)
                VALUES (1, 1, 4, 1.5, 'Delivered', 'detail', 'host:1')
                """)
        }
        #expect(refusedOutcome?.isConstraint == true && refusedOutcome?.message.contains("CHECK") == true)
        #expect(try outbox.database.queryScalar("SELECT state FROM wins WHERE id = 1") == .text("cancelled"))
    }

    @Test func aMigratedFileHasTheDefinitionsOfANewOne() throws {
        let directory = TemporaryDirectory()
        let migrated = directory.path("migrated.sqlite3")
        try Self.makePreviousSchema(at: migrated)
        let schema = "SELECT type, name, sql FROM sqlite_schema ORDER BY type, name"
        let migratedSchema = try Outbox(path: migrated).database.query(schema)
        let freshSchema = try Outbox(path: directory.path("fresh.sqlite3")).database.query(schema)
        #expect(migratedSchema.map { $0.string("sql") } == freshSchema.map { $0.string("sql") })
        #expect(!migratedSchema.contains { $0.string("sql")?.contains("state IN ('pending'") == true })
    }

    /// Another connection, open before the migration (a daemon that was running
    /// when a newer `jackpotd` command first opened the file), reads the new
    /// definitions at its next statement. (`EXPLAIN` alone reads nothing, so
    /// a count comes first.)
    @Test func aConnectionOpenBeforeTheMigrationReadsTheNewDefinitions() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        try Self.makePreviousSchema(at: path)
        let earlier = try Database(path: path)
        // Reads the definitions. (Not an `EXPLAIN`: a cached one lists the
        // program it was prepared with, whatever changed since.)
        #expect(try earlier.queryScalar("SELECT count(*) FROM wins") == .integer(2))
        _ = try Outbox(path: path)
        #expect(try earlier.queryScalar("SELECT count(*) FROM wins") == .integer(2))
        #expect(try Self.temporaryIndexes(earlier).isEmpty)
    }
}

import Testing
import TestSupport
import JackpotStore

/// The state-check migration rewrites `wins.state`'s CHECK in place: the same
/// rule, the rows untouched, and no temporary index built per inserted row.
@Suite(.timeLimit(.minutes(2))) struct StateCheckMigrationTests {
    static let insert = """
        INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, state)
        VALUES (?, 'casino-a', '421', 'g', 'r', '55', 'j', ?)
        """

    @Test func theRuleStaysTheSameForEveryConnectionAndTheRowsAreKept() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let index = try #require(Schema.migrations.firstIndex(of: Schema.stateCheck))
        // A connection open before the migration, with the old schema loaded, as another process would hold it.
        let earlier = try Database(path: path)
        try earlier.transaction {
            for migration in Schema.migrations[..<index] { try earlier.executeScript(migration) }
            try earlier.setUserVersion(index)
        }
        try earlier.execute(Self.insert, ["w-pending", "pending"])
        try earlier.execute(Self.insert, ["w-failed", "failed"])
        #expect(try Self.checkText(earlier).contains("state IN ("))

        let outbox = try Outbox(path: path)
        #expect(try outbox.database.userVersion() == Schema.currentVersion)
        let check = try Self.checkText(outbox.database)
        #expect(!check.contains("state IN ("), "\(check)")
        #expect(
            check.contains(
                "CHECK (state = 'pending' OR state = 'sending' OR state = 'delivered' OR state = 'failed' OR state = 'cancelled')"))
        #expect(
            try outbox.database.query("SELECT reference, state FROM wins ORDER BY id").map {
                "\($0.string("reference") ?? "") \($0.string("state") ?? "")"
            } == ["w-pending pending", "w-failed failed"])
        #expect(try outbox.database.integrityCheck() == "ok")

        for database in [outbox.database, earlier] {
            #expect(throws: DatabaseError.self) { try database.execute(Self.insert, ["w-lost", "lost"]) }
            #expect(throws: DatabaseError.self) {
                try database.execute("UPDATE wins SET state = 'PENDING' WHERE reference = 'w-pending'")
            }
        }
        try earlier.execute(Self.insert, ["w-cancelled", "cancelled"])
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins").integerValue == 3)
        // The connection opened before the migration evaluates the new text too: it reloaded the schema.
        #expect(try Self.ephemeralTables(earlier) == 0)
    }

    @Test func anInsertBuildsNoTemporaryIndex() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        #expect(try Self.ephemeralTables(outbox.database) == 0)
    }

    /// `OpenEphemeral` steps in the plan of a win's insert: a temporary index built each time it runs.
    static func ephemeralTables(_ database: Database) throws -> Int {
        try database.query("EXPLAIN " + insert, ["w-explained", "pending"]).filter { $0.string("opcode") == "OpenEphemeral" }
            .count
    }

    static func checkText(_ database: Database) throws -> String {
        try database.queryScalar("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'wins'").textValue ?? ""
    }
}

import Foundation
import Testing
import JackpotStore
import JackpotWire
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct OutboxSchemaTests {
    @Test func migratingAnEmptyFileCreatesTheDocumentedSchema() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let outbox = try Outbox(path: path)

        #expect(try outbox.database.userVersion() == Schema.currentVersion)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let tables = try outbox.database.query("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        #expect(
            tables.compactMap { $0.string("name") } == [
                "attempts", "daemons", "meta", "operators", "ops_actions", "purged_reference_inserts", "tombstones", "win_counts",
                "wins",
            ])
        for table in tables {
            #expect(table.string("sql")?.contains("STRICT") == true, "table \(table.string("name") ?? "") is STRICT")
        }
        // docs/platform.md's table of the wins columns (a public interface) names every column, and only those.
        let columns = try outbox.database.query("PRAGMA table_info(wins)").compactMap { $0.string("name") }
        let documented = try Self.documentedWinsColumns()
        #expect(
            Set(columns) == Set(documented),
            "undocumented: \(Set(columns).subtracting(documented)), not in the schema: \(Set(documented).subtracting(columns))")
        let indexes = try outbox.database.query("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'wins'")
            .compactMap { $0.string("name") }
        #expect(Set(indexes).isSuperset(of: ["wins_due", "wins_pending", "wins_leased", "wins_finished", "wins_delivered"]))
    }

    /// The column names of the table in docs/platform.md's "The outbox table": the backquoted
    /// names of each row's first cell. The table must be one block (a blank line inside it ends
    /// it, and the rows after it render as text), so only its first block is read.
    static func documentedWinsColumns() throws -> [String] {
        let docs = try DocsText(DocsText.platform)
        let section = try #require(docs.section("## The outbox table"), "\(docs.page) has no outbox table")
        let lines = section.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("| column |") }, "no column table")
        let rows = lines[(header + 2)...].prefix { $0.hasPrefix("|") }
        return rows.flatMap { row -> [String] in
            let cell = row.split(separator: "|").first.map(String.init) ?? ""
            return cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map {
                String($0.element)
            }
        }
    }

    @Test func reopeningDoesNotMigrateAgainAndANewerSchemaIsRefused() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        _ = try Outbox(path: path)
        _ = try Outbox(path: path)
        let database = try Database(path: path)
        try database.setUserVersion(Schema.currentVersion + 1)
        #expect(throws: DatabaseError.self) { try Outbox(path: path) }
    }

    @Test func plainSQLInsertGetsDefaultsAndCountsStayExact() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        // What another language's platform code does inside its own transaction.
        try outbox.database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id)
            VALUES ('sql-1', 'casino-a', '421', 'Im_60_tumblefortune', '5103188801', '55.00', '568')
            """)
        let win = try #require(try outbox.win(reference: "sql-1"))
        #expect(win.state == .pending)
        #expect(win.attempts == 0)
        #expect(Int64(win.timestamp) != nil && win.timestamp.count == 13)
        #expect(abs(win.createdAt - WallClock.nowMilliseconds()) < 60_000)
        #expect(try win.win().amount.canonical == "55")

        let snapshot = try outbox.statusSnapshot(now: WallClock.nowMilliseconds())
        #expect(snapshot.count(.pending, operator: "casino-a") == 1)
        try outbox.database.execute("UPDATE wins SET state = 'failed', last_error = 'x' WHERE reference = 'sql-1'")
        let after = try outbox.statusSnapshot(now: WallClock.nowMilliseconds())
        #expect(after.count(.pending, operator: "casino-a") == 0)
        #expect(after.count(.failed, operator: "casino-a") == 1)
        try outbox.database.execute("DELETE FROM wins")
        #expect(try outbox.statusSnapshot(now: 0).total(.failed) == 0)
    }

    @Test func constraintsRejectImpossibleRows() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        let insert = """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, state)
            VALUES (?, 'a', 'u', 'g', 'r', '1', 'j', ?)
            """
        #expect(throws: DatabaseError.self) { try outbox.database.execute(insert, ["r1", "lost"]) }
        // A delivered win must carry the operator's transaction id; a sending one a lease.
        #expect(throws: DatabaseError.self) { try outbox.database.execute(insert, ["r2", "delivered"]) }
        #expect(throws: DatabaseError.self) { try outbox.database.execute(insert, ["r3", "sending"]) }
        try outbox.database.execute(insert, ["r4", "pending"])
        #expect(throws: DatabaseError.self) { try outbox.database.execute(insert, ["r4", "pending"]) }
    }
}

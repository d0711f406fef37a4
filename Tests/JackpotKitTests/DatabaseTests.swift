import CSQLite
import Foundation
import Synchronization
import Testing
import JackpotStore
import TestSupport

/// State shared between a test and its writer thread.
private final class WriterState: Sendable {
    let stop = Mutex(false)
    let commits = Mutex(0)
    let failure = Mutex<String?>(nil)
}

@Suite(.timeLimit(.minutes(2))) struct DatabaseTests {
    @Test func newFileIsPrivateAndInWALModeWithFullSync() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite")
        let database = try Database(path: path)

        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try database.queryScalar("PRAGMA journal_mode") == .text("wal"))
        #expect(try database.queryScalar("PRAGMA synchronous") == .integer(2))
        #expect(try database.queryScalar("PRAGMA foreign_keys") == .integer(1))
        #expect(try database.integrityCheck() == "ok")
    }

    @Test func openingAFileThatIsNotADatabaseNamesThePath() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("garbage.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: DatabaseError.self) { try Database(path: path) }
        #expect(error?.code == SQLITE_NOTADB)
        #expect(error?.message.contains(path) == true)
    }

    @Test func everyValueKindRoundTrips() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.path("values.sqlite"))
        try database.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, value ANY) STRICT")
        let values: [SQLValue] = [
            .null, .integer(Int64.max), .integer(Int64.min), .integer(0), .real(-2.5),
            .text("Jackpot 🎰 für Zoë — 大奖"), .text(""), .blob([0, 1, 0, 255, 0]), .blob([]),
            .text("nul\u{0}inside"),
        ]
        for value in values {
            try database.execute("INSERT INTO v (value) VALUES (?)", [value])
        }

        let read = try database.query("SELECT value FROM v ORDER BY id").map { $0["value"] }
        #expect(read == values)
        // The empty string and the empty blob are values, not NULL.
        #expect(try database.queryScalar("SELECT count(*) FROM v WHERE value IS NULL") == .integer(1))
    }

    @Test func literalsAndConvenienceInitializersMapToStorageClasses() {
        let values: [SQLValue] = ["text", 42, nil, true, SQLValue(nil as String?), SQLValue(7 as Int?), SQLValue(false)]
        #expect(values == [.text("text"), .integer(42), .null, .integer(1), .null, .integer(7), .integer(0)])
    }

    @Test func rowAccessorsReadByColumnName() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.path("row.sqlite"))
        let row = try #require(
            try database.queryRow(
                "SELECT 'abc' AS name, 12 AS count, 1.5 AS ratio, NULL AS missing, 0 AS flag, x'00ff' AS raw"))

        #expect(row.columnNames == ["name", "count", "ratio", "missing", "flag", "raw"])
        #expect(row.string("name") == "abc")
        #expect(row.string("count") == "12")
        #expect(row.int("COUNT") == 12)
        #expect(row.int64("name") == nil)
        #expect(row.double("ratio") == 1.5)
        #expect(row.double("count") == 12)
        #expect(row.string("missing") == nil)
        #expect(row.bool("flag") == false)
        #expect(row.blob("raw") == [0, 255])
        #expect(row["no_such_column"] == .null)
        #expect(try database.queryRow("SELECT 1 WHERE 0") == nil)
        #expect(try database.queryScalar("SELECT 1 WHERE 0") == .null)
    }

    @Test func cachedStatementIsReusedWithDifferentArguments() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.path("cache.sqlite"))
        try database.execute("CREATE TABLE wins (id INTEGER PRIMARY KEY, reference TEXT NOT NULL, amount TEXT)")
        for index in 1...5 {
            try database.execute(
                "INSERT INTO wins (reference, amount) VALUES (?, ?)",
                [.text("ref-\(index)"), SQLValue(index == 3 ? nil : "\(index).00")])
            #expect(database.changes == 1)
            #expect(database.lastInsertRowID == Int64(index))
        }

        let select = "SELECT reference, amount FROM wins WHERE id = ?"
        #expect(try database.queryRow(select, [2])?.string("reference") == "ref-2")
        #expect(try database.queryRow(select, [3])?.string("amount") == nil)
        #expect(try database.queryRow(select, [5])?.string("amount") == "5.00")
        #expect(try database.queryRow(select, [9]) == nil)

        // The same SQL nested inside its own iteration gets a statement of its own.
        var pairs: [String] = []
        try database.forEachRow("SELECT id FROM wins WHERE id <= ? ORDER BY id", [2]) { outer in
            try database.forEachRow("SELECT id FROM wins WHERE id <= ? ORDER BY id", [2]) { inner in
                pairs.append("\(try #require(outer.int("id")))-\(try #require(inner.int("id")))")
            }
        }
        #expect(pairs == ["1-1", "1-2", "2-1", "2-2"])

        try database.execute("UPDATE wins SET amount = ? WHERE id > ?", ["0.01", 3])
        #expect(database.changes == 2)
    }

    @Test func syntaxErrorCarriesCodeMessageAndSQL() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.path("syntax.sqlite"))

        let error = try #require(#expect(throws: DatabaseError.self) { try database.execute("SELEC 1") })
        #expect(error.code == SQLITE_ERROR)
        #expect(error.message.contains("syntax error"))
        #expect(error.sql == "SELEC 1")
        #expect(error.description.hasPrefix("SQLite error 1 (SQL logic error): "))
        #expect(error.description.hasSuffix(", in: SELEC 1"))
    }

    @Test func uniqueViolationIsAConstraintError() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.path("unique.sqlite"))
        try database.execute("CREATE TABLE wins (reference TEXT NOT NULL UNIQUE)")
        let insert = "INSERT INTO wins (reference) VALUES (?)"
        try database.execute(insert, ["abc"])

        let error = try #require(#expect(throws: DatabaseError.self) { try database.execute(insert, ["abc"]) })
        #expect(error.isConstraint)
        #expect(error.code == SQLITE_CONSTRAINT)
        #expect(error.extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
        #expect(error.message == "UNIQUE constraint failed: wins.reference")
        #expect(error.sql == insert)
        #expect(error.description.contains("(constraint failed): UNIQUE constraint failed: wins.reference, in: INSERT"))
        #expect(!error.isBusy && !error.isFull && !error.isReadOnly)
        // The failed statement was reset: the same cached statement works again.
        try database.execute(insert, ["def"])
        #expect(try database.queryScalar("SELECT count(*) FROM wins") == .integer(2))
    }

    @Test func misuseIsReportedWithTheSQL() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.path("misuse.sqlite"))

        let wrongCount = #expect(throws: DatabaseError.self) { try database.query("SELECT ?, ?", [1]) }
        #expect(wrongCount?.sql == "SELECT ?, ?")
        #expect(wrongCount?.message.contains("takes 2, got 1") == true)

        let twoStatements = #expect(throws: DatabaseError.self) { try database.execute("SELECT 1; SELECT 2") }
        #expect(twoStatements?.message.contains("executeScript") == true)
        #expect(throws: DatabaseError.self) { try database.execute("  -- nothing here") }

        // A trailing semicolon and comment are not a second statement.
        #expect(try database.queryScalar("SELECT 7; -- done") == .integer(7))
        try database.executeScript("CREATE TABLE a (x); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2);")
        #expect(try database.queryScalar("SELECT sum(x) FROM a") == .integer(3))
        let scriptError = #expect(throws: DatabaseError.self) { try database.executeScript("INSERT INTO nowhere VALUES (1)") }
        #expect(scriptError?.message.contains("no such table: nowhere") == true)
    }

    @Test func transactionCommitsAndRollsBackOnThrow() throws {
        struct Abort: Error {}
        let directory = TemporaryDirectory()
        let path = directory.path("tx.sqlite")
        let database = try Database(path: path)
        let observer = try Database(path: path)
        try database.execute("CREATE TABLE t (x INTEGER)")

        let result = try database.transaction {
            try database.execute("INSERT INTO t VALUES (1)")
            try database.execute("INSERT INTO t VALUES (2)")
            return database.changes
        }
        #expect(result == 1)
        #expect(try observer.queryScalar("SELECT count(*) FROM t") == .integer(2))

        #expect(throws: Abort.self) {
            try database.transaction {
                try database.execute("INSERT INTO t VALUES (3)")
                throw Abort()
            }
        }
        #expect(try database.queryScalar("SELECT count(*) FROM t") == .integer(2))
        #expect(try observer.queryScalar("SELECT count(*) FROM t") == .integer(2))

        // A failing statement inside rolls back the statements before it.
        try database.execute("CREATE UNIQUE INDEX t_x ON t (x)")
        #expect(throws: DatabaseError.self) {
            try database.transaction {
                try database.execute("INSERT INTO t VALUES (4)")
                try database.execute("INSERT INTO t VALUES (1)")
            }
        }
        #expect(try database.query("SELECT x FROM t ORDER BY x").compactMap { $0.int("x") } == [1, 2])
    }

    @Test func aLogDeletedUnderTheConnectionThatCreatedTheFileStopsItsNextTransaction() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("created.sqlite")
        // A new file has no log until its first commit: the connection must still notice the log going.
        let database = try Database(path: path)
        try database.transaction { try database.execute("CREATE TABLE t (x INTEGER)") }
        try #require(unlink(path + "-wal") == 0)

        let error = #expect(throws: DatabaseError.self) {
            try database.transaction { try database.execute("INSERT INTO t VALUES (1)") }
        }
        #expect(error?.isIOError == true)
        #expect(error?.message.contains("\(path)-wal was deleted or replaced") == true, "\(String(describing: error))")
    }

    @Test func aConnectionThatLeavesWALModeItselfWritesOnAndWatchesItsNextLog() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("bulk.sqlite")
        let database = try Database(path: path)
        try database.transaction { try database.execute("CREATE TABLE t (x INTEGER)") }
        // A bulk load writes without a log as large as the file, then goes back to WAL.
        #expect(try database.queryScalar("PRAGMA journal_mode=DELETE") == .text("delete"))
        try database.transaction { try database.execute("INSERT INTO t VALUES (1)") }
        #expect(try database.queryScalar("PRAGMA journal_mode=WAL") == .text("wal"))
        try database.transaction { try database.execute("INSERT INTO t VALUES (2)") }
        #expect(try database.queryScalar("SELECT count(*) FROM t") == .integer(2))

        try #require(unlink(path + "-wal") == 0)
        let error = #expect(throws: DatabaseError.self) {
            try database.transaction { try database.execute("INSERT INTO t VALUES (3)") }
        }
        #expect(error?.message.contains("\(path)-wal was deleted or replaced") == true, "\(String(describing: error))")
    }

    @Test func writerBlocksSecondWriterUntilCommitThenDataVersionMoves() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("busy.sqlite")
        let a = try Database(path: path)
        var options = Database.Options()
        options.busyTimeoutMilliseconds = 100
        let b = try Database(path: path, options: options)
        try a.execute("CREATE TABLE t (x INTEGER)")
        let versionBefore = try b.dataVersion()

        try a.transaction {
            try a.execute("INSERT INTO t VALUES (1)")
            let error = #expect(throws: DatabaseError.self) { try b.execute("INSERT INTO t VALUES (2)") }
            #expect(error?.isBusy == true)
            // A reader is not blocked in WAL mode and does not see the uncommitted row.
            #expect(try b.queryScalar("SELECT count(*) FROM t") == .integer(0))
        }

        #expect(try b.dataVersion() != versionBefore)
        #expect(try b.queryScalar("SELECT count(*) FROM t") == .integer(1))
        try b.execute("INSERT INTO t VALUES (2)")
        #expect(try a.queryScalar("SELECT count(*) FROM t") == .integer(2))
    }

    @Test func userVersionRoundTrips() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("version.sqlite")
        let database = try Database(path: path)
        #expect(try database.userVersion() == 0)
        try database.setUserVersion(3)
        #expect(try Database(path: path).userVersion() == 3)
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("ro.sqlite")
        try Database(path: path).execute("CREATE TABLE t (x)")
        var options = Database.Options()
        options.readOnly = true
        let reader = try Database(path: path, options: options)

        let error = #expect(throws: DatabaseError.self) { try reader.execute("INSERT INTO t VALUES (1)") }
        #expect(error?.isReadOnly == true)
        #expect(throws: DatabaseError.self) { try Database(path: directory.path("absent.sqlite"), options: options) }
        #expect(!FileManager.default.fileExists(atPath: directory.path("absent.sqlite")))
    }

    @Test func backupWhileAnotherConnectionWritesIsConsistent() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("live.sqlite")
        let database = try Database(path: path)
        // Two tables written together in each transaction: a torn copy would disagree.
        try database.executeScript(
            """
            CREATE TABLE wins (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
            CREATE TABLE audit (win_id INTEGER PRIMARY KEY REFERENCES wins (id));
            """)
        // Enough pages for several 256-page backup steps.
        try database.transaction {
            for _ in 0..<1500 {
                try database.execute("INSERT INTO wins (payload) VALUES (zeroblob(3000))")
                try database.execute("INSERT INTO audit (win_id) VALUES (?)", [.integer(database.lastInsertRowID)])
            }
        }

        let state = WriterState()
        let finished = DispatchSemaphore(value: 0)
        let writer = Thread {
            defer { finished.signal() }
            do {
                let connection = try Database(path: path)
                while !state.stop.withLock({ $0 }) {
                    try connection.transaction {
                        try connection.execute("INSERT INTO wins (payload) VALUES (zeroblob(3000))")
                        try connection.execute("INSERT INTO audit (win_id) VALUES (?)", [.integer(connection.lastInsertRowID)])
                    }
                    state.commits.withLock { $0 += 1 }
                }
            } catch {
                state.failure.withLock { $0 = "\(error)" }
            }
        }
        writer.start()
        while state.commits.withLock({ $0 }) < 5 && state.failure.withLock({ $0 }) == nil {
            usleep(1_000)
        }

        let copyPath = directory.path("copy.sqlite")
        let commitsBeforeBackup = state.commits.withLock { $0 }
        let backupResult = Result { () throws(DatabaseError) in try database.backup(to: copyPath) }
        state.stop.withLock { $0 = true }
        finished.wait()

        #expect(state.failure.withLock { $0 } == nil)
        try backupResult.get()
        let attributes = try FileManager.default.attributesOfItem(atPath: copyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let copy = try Database(path: copyPath)
        #expect(try copy.integrityCheck() == "ok")
        let wins = try #require(try copy.queryScalar("SELECT count(*) FROM wins").int64)
        #expect(try copy.queryScalar("SELECT count(*) FROM audit") == .integer(wins))
        #expect(try copy.queryScalar("SELECT max(id) FROM wins") == .integer(wins))
        #expect(wins >= Int64(1500 + commitsBeforeBackup))
        let total = try #require(try database.queryScalar("SELECT count(*) FROM wins").int64)
        #expect(wins <= total)
    }

    @Test func backupRefusesAnExistingDestination() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.path("source.sqlite"))
        try database.execute("CREATE TABLE t (x)")
        let destination = directory.path("existing.sqlite")
        let original = Data("keep me".utf8)
        try original.write(to: URL(fileURLWithPath: destination))

        let error = #expect(throws: DatabaseError.self) { try database.backup(to: destination) }
        #expect(error?.message.contains(destination) == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination)) == original)

        // Inside a transaction the copy would include uncommitted work.
        let second = directory.path("second.sqlite")
        try database.transaction {
            #expect(throws: DatabaseError.self) { try database.backup(to: second) }
        }
        #expect(!FileManager.default.fileExists(atPath: second))
    }

    @Test func forEachRowStreamsAndPropagatesTheBodysError() throws {
        struct StopExport: Error, Equatable { let at: Int }
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.path("stream.sqlite"))
        try database.execute("CREATE TABLE t (x INTEGER)")
        try database.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t SELECT i FROM n")

        var seen: [Int] = []
        let sql = "SELECT x FROM t WHERE x > ? ORDER BY x"
        #expect(throws: StopExport(at: 3)) {
            try database.forEachRow(sql, [0]) { row in
                let x = try #require(row.int("x"))
                seen.append(x)
                if x == 3 { throw StopExport(at: x) }
            }
        }
        #expect(seen == [1, 2, 3])

        // The interrupted statement was reset: the same SQL runs from the start again.
        var sum = 0
        var count = 0
        try database.forEachRow(sql, [990]) { row in
            sum += row.int("x") ?? 0
            count += 1
        }
        #expect(count == 10)
        #expect(sum == (991...1000).reduce(0, +))
    }
}

extension SQLValue {
    fileprivate var int64: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}

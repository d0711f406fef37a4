import Foundation
import Testing
import JackpotStore
import JackpotWire
import TestSupport

/// The library's public errors and rejections: each code from the real
/// condition on a real file, and each rejection from a real outbox.
@Suite(.timeLimit(.minutes(2))) struct OutboxErrorTests {
    static func newWin(_ reference: String, amount: String = "55", timestamp: String? = "1482429190374") -> NewWin {
        NewWin(
            operatorName: "casino-a", userId: "421", gameId: "Im_60_tumblefortune", roundId: "5103188801",
            amount: try! DecimalAmount(validating: amount), reference: reference, timestamp: timestamp, jackpotId: "568")
    }

    struct NothingThrown: Error {}

    /// The error `body` throws; the test fails with `NothingThrown` when it throws none.
    static func failure(_ body: () throws(OutboxError) -> Void) throws -> OutboxError {
        do throws(OutboxError) {
            try body()
        } catch {
            return error
        }
        throw NothingThrown()
    }

    // MARK: Opening

    @Test func aMissingFileIsNotFoundAndNotCreated() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbx.sqlite3")
        let error = try Self.failure { () throws(OutboxError) in _ = try Outbox(path: path, createIfMissing: false) }
        #expect(error.code == .notFound)
        #expect(error.path == path)
        #expect(error.message.contains("createIfMissing"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func createIfMissingCreatesAPrivateOutboxThatOpensWithoutIt() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        _ = try Outbox(path: path, createIfMissing: true)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let reopened = try Outbox(path: path, createIfMissing: false)
        #expect(try reopened.enqueue([Self.newWin("o-1")]) == [.accepted])
    }

    @Test func aMissingDirectoryIsNotFoundEvenWithCreate() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("no-such-directory/outbox.sqlite3")
        let error = try Self.failure { () throws(OutboxError) in _ = try Outbox(path: path, createIfMissing: true) }
        #expect(error.code == .notFound, "\(error)")
        #expect(error.sqliteCode == 14)  // SQLITE_CANTOPEN
        #expect(error.description.contains(path), "\(error)")
    }

    @Test func aFileThatIsNotSQLiteIsNotAnOutboxAndIsLeftAlone() throws {
        let directory = TemporaryDirectory()
        let text = "reference,amount\nr-1,55\n" + String(repeating: "x", count: 4096)
        let path = directory.write("wins.csv", text)
        let error = try Self.failure { () throws(OutboxError) in _ = try Outbox(path: path, createIfMissing: true) }
        #expect(error.code == .notAnOutbox, "\(error)")
        #expect(error.sqliteCode == 26)  // SQLITE_NOTADB
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func anotherApplicationsDatabaseIsNotAnOutboxAndStaysOutOfWAL() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("app.sqlite3")
        let foreign = try Database(path: path)
        try foreign.execute("PRAGMA journal_mode=DELETE")
        try foreign.execute("CREATE TABLE players (id INTEGER PRIMARY KEY)")
        let error = try Self.failure { () throws(OutboxError) in _ = try Outbox(path: path, createIfMissing: true) }
        #expect(error.code == .notAnOutbox, "\(error)")
        #expect(try foreign.queryScalar("PRAGMA journal_mode") == .text("delete"))
        #expect(try foreign.queryScalar("SELECT count(*) FROM sqlite_master WHERE name = 'wins'") == .integer(0))
    }

    @Test func anEmptyFileIsAnOutboxOnlyWhenCreationIsAsked() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("outbox.sqlite3", "")
        let error = try Self.failure { () throws(OutboxError) in _ = try Outbox(path: path, createIfMissing: false) }
        #expect(error.code == .notAnOutbox, "\(error)")
        let outbox = try Outbox(path: path, createIfMissing: true)
        #expect(try outbox.enqueue([Self.newWin("e-1")]) == [.accepted])
    }

    @Test func anOutboxOfANewerSchemaIsRefused() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        try Outbox(path: path).database.setUserVersion(Schema.currentVersion + 1)
        let error = try Self.failure { () throws(OutboxError) in _ = try Outbox(path: path, createIfMissing: false) }
        #expect(error.code == .newerSchema, "\(error)")
        #expect(error.message.contains("upgrade jackpotd"), "\(error)")
    }

    // MARK: Enqueueing

    @Test func aLockHeldByAnotherConnectionIsBusyAndTheSameCallSucceedsLater() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let blocker = try Outbox(path: path)
        let platform = try Outbox(path: path, createIfMissing: false, busyTimeoutMilliseconds: 0)
        try blocker.database.execute("BEGIN IMMEDIATE")
        let error = try Self.failure { () throws(OutboxError) in _ = try platform.enqueue([Self.newWin("b-1")]) }
        #expect(error.code == .busy, "\(error)")
        #expect(error.sqliteCode & 0xFF == 5)  // SQLITE_BUSY
        try blocker.database.execute("ROLLBACK")
        #expect(try platform.enqueue([Self.newWin("b-1")]) == [.accepted])
    }

    @Test func aFullDatabaseIsFullAndStoresNothing() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let outbox = try Outbox(path: path, createIfMissing: true)
        let pages = try outbox.database.queryScalar("PRAGMA page_count").integerValue ?? 0
        try outbox.database.execute("PRAGMA max_page_count = \(pages)")
        let wins = (0..<500).map { Self.newWin("f-\($0)") }
        let error = try Self.failure { () throws(OutboxError) in _ = try outbox.enqueue(wins) }
        #expect(error.code == .full, "\(error)")
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins") == .integer(0))
    }

    @Test func eachRejectionKindNamesWhatToFix() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"), createIfMissing: true)
        #expect(try outbox.enqueue([Self.newWin("r-1")]) == [.accepted])
        let results = try outbox.enqueue([
            Self.newWin("r-1"),
            Self.newWin("r-1", amount: "56", timestamp: "1482429190375"),
            Self.newWin("r-2", timestamp: "1482429190"),
            Self.newWin(String(repeating: "r", count: 129)),
            Self.newWin("r-3"),
        ])
        #expect(results.count == 5)
        #expect(results[0] == .duplicate)
        #expect(results[1] == .rejected(.conflict(reference: "r-1", fields: ["amount", "timestamp"])))
        guard case .rejected(.invalid(let field, let reason)) = results[2] else {
            Issue.record("a timestamp in seconds gave \(results[2])")
            return
        }
        #expect(field == "timestamp")
        #expect(reason.hasSuffix("which looks like seconds: multiply by 1000"), "\(reason)")
        #expect(results[3] == .rejected(.invalid(field: "reference", reason: "is longer than 128 characters")))
        #expect(results[4] == .accepted)
        #expect(try outbox.win(reference: "r-2") == nil)
        #expect(try outbox.win(reference: "r-1")?.amount == "55")
    }

    @Test func aDifferentWinUnderAPurgedReferenceIsAConflictWithThePurgedWin() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"), createIfMissing: true)
        let purged = Self.newWin("t-1")
        // A tombstone as `purge` leaves it: 2026-11-01T14:30:05.123Z delivered, a day later purged.
        try outbox.database.execute(
            """
            INSERT INTO tombstones (reference, operator, content_digest, transaction_id, delivered_at, purged_at)
            VALUES (?, ?, ?, 'T-9', 1793543405123, 1793629805123)
            """,
            [
                .text("t-1"), .text("casino-a"),
                .blob(
                    Tombstone.digest(
                        operatorName: "casino-a", userId: "421", gameId: "Im_60_tumblefortune", roundId: "5103188801",
                        amount: "55", jackpotId: "568", platform: nil, token: nil, jackpotDetails: nil, extra: nil)),
            ])
        #expect(try outbox.enqueue([purged]) == [.duplicate])
        let results = try outbox.enqueue([Self.newWin("t-1", amount: "99")])
        let expected = EnqueueRejection.conflictWithPurgedWin(
            reference: "t-1", transactionId: "T-9", deliveredAt: "2026-11-01T14:30:05.123Z", purgedAt: "2026-11-02T14:30:05.123Z")
        #expect(results == [.rejected(expected)])
        #expect(
            expected.description
                == "reference t-1 was delivered on 2026-11-01T14:30:05.123Z (transactionId T-9), purged on 2026-11-02T14:30:05.123Z, with different content"
        )
    }

    @Test func aTimestampLeftOutIsNowAndNotPartOfTheContent() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"), createIfMissing: true)
        let before = WallClock.nowMilliseconds()
        let stamped = Self.newWin("n-1", timestamp: nil)
        #expect(!stamped.isTimestampGiven)
        let stamp = try #require(Int64(stamped.win.timestamp))
        #expect(stamp >= before && stamp <= WallClock.nowMilliseconds())
        #expect(try outbox.enqueue([stamped]) == [.accepted])
        #expect(try outbox.enqueue([Self.newWin("n-1", timestamp: nil)]) == [.duplicate])
        #expect(
            try outbox.enqueue([Self.newWin("n-1", timestamp: "1482429190374")]) == [
                .rejected(.conflict(reference: "n-1", fields: ["timestamp"]))
            ])
        #expect(NewWin(stamped.win).isTimestampGiven)
    }
}

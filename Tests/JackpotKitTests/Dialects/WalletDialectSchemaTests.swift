import Foundation
import Testing
import TestSupport
import JackpotStore
import JackpotWire

/// The in-place migration to the wallet-dialect columns, and `jackpotDetails` /
/// `extra` as part of a win's content.
@Suite(.timeLimit(.minutes(1))) struct WalletDialectSchemaTests {
    /// The schema as it was before this step: every migration before it.
    static let previousMigrations = Array(Schema.migrations.prefix { $0 != Schema.walletDialects })

    @Test func aFileOfThePreviousSchemaWithRowsUpgradesWithNothingLost() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        // Later steps (e.g. the ops trail) may follow this one.
        #expect(Self.previousMigrations.count < Schema.currentVersion)
        do {
            let old = try Database(path: path)
            for migration in Self.previousMigrations { try old.executeScript(migration) }
            try old.setUserVersion(Self.previousMigrations.count)
            try old.executeScript(
                """
                INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp, token)
                VALUES ('old-pending', 'casino-a', '421', 'g', 'r', '55.50', '568', '1482429190374', 'tok');
                INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp,
                                  state, attempts, transaction_id, delivered_at)
                VALUES ('old-delivered', 'casino-a', '422', 'g', 'r', '10', '568', '1482429190375', 'delivered', 1, '9007199254740993', 5);
                INSERT INTO attempts (win_id, attempt, started_at, duration_ms, http_status, outcome, detail, daemon)
                VALUES (2, 1, 4, 12.5, 200, 'delivered', 'delivered, transactionId 9007199254740993', 'host:1');
                INSERT INTO operators (name, paused, pause_reason) VALUES ('casino-a', 1, 'maintenance');
                INSERT INTO meta (key, value) VALUES ('validated_through', '2');
                """)
        }
        let before = try Database(path: path)
        let rowsBefore = try before.query("SELECT * FROM wins ORDER BY id")
        let attemptsBefore = try before.query("SELECT * FROM attempts")

        let outbox = try Outbox(path: path)
        #expect(try outbox.database.userVersion() == Schema.currentVersion)
        let rowsAfter = try outbox.database.query("SELECT * FROM wins ORDER BY id")
        #expect(rowsAfter.count == 2)
        for (old, new) in zip(rowsBefore, rowsAfter) {
            for column in ["reference", "operator", "user_id", "amount", "timestamp", "token", "state", "transaction_id"] {
                #expect(old.string(column) == new.string(column), "\(column)")
            }
            #expect(new.string("jackpot_details") == nil)
            #expect(new.string("extra") == nil)
            #expect(new.int("already_credited_code") == nil)
        }
        #expect(try outbox.database.query("SELECT * FROM attempts").count == attemptsBefore.count)
        #expect(try outbox.operatorStates()["casino-a"]?.paused == true)
        #expect(try outbox.operatorStates()["casino-a"]?.refusal == nil)
        // The triggers kept counting, and the old rows read as valid wins.
        let snapshot = try outbox.statusSnapshot(now: 10)
        #expect(snapshot.count(.pending, operator: "casino-a") == 1)
        #expect(snapshot.count(.delivered, operator: "casino-a") == 1)
        let pending = try #require(try outbox.win(reference: "old-pending"))
        let win = try pending.win()
        #expect(win.jackpotDetails == nil && win.extra.isEmpty)
        #expect(win.amount.canonical == "55.5")
        #expect(try outbox.database.integrityCheck() == "ok")
        // A second open does not migrate again.
        #expect(try Outbox(path: path).database.userVersion() == Schema.currentVersion)
    }

    static func newWin(_ reference: String, details: String?, extra: [WireField]) throws -> NewWin {
        NewWin(
            JackpotWin(
                operatorName: "casino-a", userId: "421", gameId: "g", roundId: "r",
                amount: try DecimalAmount(validating: "5"), reference: reference, timestamp: "1482429190374",
                jackpotId: "568", jackpotDetails: details, extra: extra))
    }

    @Test func jackpotDetailsAndExtraArePartOfTheWinsContent() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        let details = #"{"progressive":200.25}"#
        let extra = [WireField("sessionId", "s-1")]
        let results = try outbox.enqueue([
            try Self.newWin("w-1", details: details, extra: extra),
            try Self.newWin("w-1", details: details, extra: extra),
            try Self.newWin("w-1", details: #"{"progressive":200.250}"#, extra: extra),
            try Self.newWin("w-1", details: details, extra: [WireField("sessionId", "s-2")]),
            try Self.newWin("w-1", details: details, extra: []),
        ])
        #expect(
            results == [
                .accepted, .duplicate,
                .rejected(.conflict(reference: "w-1", fields: ["jackpotDetails"])),
                .rejected(.conflict(reference: "w-1", fields: ["extra"])),
                .rejected(.conflict(reference: "w-1", fields: ["extra"])),
            ])
        let stored = try #require(try outbox.win(reference: "w-1"))
        #expect(stored.jackpotDetails == details)
        #expect(stored.extra == #"{"sessionId":"s-1"}"#)
        let win = try stored.win()
        #expect(win.jackpotDetails == details)
        #expect(win.extra == extra)
    }

    @Test func aPlainSQLRowWithABadExtraIsNotAValidWin() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        try outbox.database.executeScript(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, extra)
            VALUES ('sql-1', 'casino-a', '421', 'g', 'r', '5', '568', '{"sessionId": 5}'),
                   ('sql-2', 'casino-a', '421', 'g', 'r', '5', '568', 'not json'),
                   ('sql-3', 'casino-a', '421', 'g', 'r', '5', '568', '{"sessionId": "ok"}');
            """)
        let parked = try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 1)
        #expect(parked.map(\.reference) == ["sql-1", "sql-2"])
        #expect(parked.first?.reason == "invalid row: extra.sessionId must be a string, got number")
        #expect(try outbox.win(reference: "sql-3")?.win().extra == [WireField("sessionId", "ok")])
    }
}

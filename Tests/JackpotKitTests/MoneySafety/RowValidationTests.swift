import Foundation
import Testing
import TestSupport
import JackpotStore
import JackpotWire

/// Every pending row is checked once, whatever its id and whoever wrote it.
@Suite(.timeLimit(.minutes(2))) struct RowValidationTests {
    static func insert(_ outbox: Outbox, _ reference: String, operator name: String = "casino-a", userIdSQL: String = "'421'")
        throws
    {
        try outbox.database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id)
            VALUES (?, ?, \(userIdSQL), 'Im_60_tumblefortune', '5103188801', '55', '568')
            """, [.text(reference), .text(name)])
    }

    @Test func aRowThatReusesAPurgedIdIsStillValidated() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        try Self.insert(outbox, "r-1")
        try Self.insert(outbox, "r-2")
        #expect(try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 1).isEmpty)
        let topId = try #require(try outbox.win(reference: "r-2")?.id)
        try outbox.database.execute(
            "UPDATE wins SET state = 'delivered', transaction_id = 't', delivered_at = 1 WHERE reference = 'r-2'")
        #expect(try outbox.purgeDelivered(before: 2, now: 3, by: "test") == 1)

        // SQLite hands out the purged row's id again.
        try Self.insert(outbox, "r-3", operator: "nobody")
        #expect(try outbox.win(reference: "r-3")?.id == topId)
        let parked = try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 3)
        #expect(parked.map(\.reference) == ["r-3"])
        #expect(parked.first?.reason == "operator \"nobody\" is not configured")
        let win = try #require(try outbox.win(reference: "r-3"))
        #expect(win.state == .failed)
        #expect(win.finalizedAt == 3)
        // Checked once: a second pass finds nothing to do.
        #expect(try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 4).isEmpty)
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins WHERE validated = 0").integerValue == 0)
    }

    /// The daemon checks a backlog a slice at a time (claiming in between), and
    /// the slices together check every row once.
    @Test func aBacklogIsCheckedSliceBySliceAndEveryRowOnce() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        try outbox.database.transaction {
            for index in 0..<25 { try Self.insert(outbox, "b-\(index)", operator: index % 10 == 9 ? "nobody" : "casino-a") }
        }
        func unvalidated() throws -> Int64? {
            try outbox.database.queryScalar("SELECT count(*) FROM wins WHERE validated = 0").integerValue
        }

        let first = try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 1, batch: 4, maximumRows: 10)
        // Whole batches of four: the first twelve rows.
        #expect(first.map(\.reference) == ["b-9"])
        #expect(try unvalidated() == 13)
        #expect(try outbox.hasUnvalidatedWins())
        let second = try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 2, batch: 4, maximumRows: 10)
        #expect(second.map(\.reference) == ["b-19"])
        #expect(try unvalidated() == 1)
        // The last row, alone in a short batch.
        #expect(try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 3, batch: 4, maximumRows: 10).isEmpty)
        #expect(try unvalidated() == 0)
        #expect(try !outbox.hasUnvalidatedWins())
        #expect(try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 4, batch: 4, maximumRows: 10).isEmpty)
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins WHERE state = 'failed'").integerValue == 2)
    }

    @Test func invalidUTF8IsParkedNotSentAsReplacementCharacters() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        // 0xFF is never valid in UTF-8.
        try Self.insert(outbox, "u-1", userIdSQL: "CAST(X'34FF32' AS TEXT)")
        let stored = try #require(try outbox.win(reference: "u-1"))
        #expect(stored.invalidTextColumns == ["userId"])
        #expect(throws: WinValidationError(field: "userId", reason: "is not valid UTF-8 text")) { try stored.win() }
        let parked = try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 5)
        #expect(parked.first?.reason == "invalid row: userId is not valid UTF-8 text")
        #expect(try outbox.win(reference: "u-1")?.state == .failed)
    }

    @Test(arguments: ["\u{85}", "\u{80}", "\u{9F}", "\u{9B}31m"])
    func c1ControlCharactersAreRejectedLikeC0(_ text: String) {
        let win = JackpotWin(
            operatorName: "casino-a", userId: "4" + text, gameId: "g", roundId: "r",
            amount: try! DecimalAmount(validating: "1"), reference: "ref", timestamp: "1", jackpotId: "j")
        #expect(throws: WinValidationError(field: "userId", reason: "contains a control character")) { try win.validate() }
    }

    @Test func failedAndCancelledWinsCarryTheirFinalizedTimeAndRetryClearsIt() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        try Self.insert(outbox, "f-1")
        #expect(try outbox.win(reference: "f-1")?.finalizedAt == nil)
        #expect(try outbox.cancel(reference: "f-1", reason: "void", now: 1_000, by: "test") == .changed)
        #expect(try outbox.win(reference: "f-1")?.finalizedAt == 1_000)
        #expect(try outbox.retry(reference: "f-1", now: 2_000, by: "test") == .changed)
        #expect(try outbox.win(reference: "f-1")?.finalizedAt == nil)
    }
}

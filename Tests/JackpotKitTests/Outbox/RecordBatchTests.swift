import Foundation
import Testing
import TestSupport
import JackpotStore
import JackpotWire

/// `Outbox.record` writes confirmations and attempt rows many to a statement.
/// A batch larger than one statement, with every kind of outcome, repeat
/// deliveries and awkward text among them, must store exactly what one
/// statement per win stored.
@Suite(.timeLimit(.minutes(2))) struct RecordBatchTests {
    static func insert(_ outbox: Outbox, _ reference: String) throws {
        try outbox.database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, validated)
            VALUES (?, 'casino-a', '421', 'Im_60_tumblefortune', '5103188801', '55', '568', 1)
            """, [.text(reference)])
    }

    static func attempt(_ winId: Int64, outcome: String, detail: String, status: Int? = 200) -> AttemptRecord {
        AttemptRecord(
            winId: winId, attempt: 1, startedAt: 1_000 + winId, durationMs: Double(winId) / 8, httpStatus: status,
            errorCode: nil, outcome: outcome, detail: detail, responseHead: winId % 2 == 0 ? "{\"status\":\"OK\"}" : nil,
            daemon: "test:1:x")
    }

    @Test func aLargeMixedBatchStoresWhatEachOutcomeSays() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        let count = 2 * Outbox.rowsPerStatement + 7
        try outbox.database.transaction {
            for index in 0..<count { try Self.insert(outbox, "r-\(index)") }
        }
        let now = WallClock.nowMilliseconds() + 60_000  // every row due
        let claimed = try outbox.claim(
            operator: "casino-a", limit: count, owner: "test:1:x", leaseExpiresAt: now + 99_000, now: now)
        #expect(claimed.count == count)
        // Two wins were confirmed before (another daemon's record), under other ids.
        let repeated = Set(claimed.prefix(2).map(\.id))
        try outbox.database.execute(
            "UPDATE wins SET state = 'delivered', transaction_id = 'T-earlier', delivered_at = 5 WHERE id IN (?, ?)",
            claimed.prefix(2).map { .integer($0.id) })

        let awkward = "T-\"quoted\"\\back\u{0}nul-é\u{2028}"
        var outcomes: [RecordedOutcome] = []
        for (index, win) in claimed.enumerated() {
            switch index % 10 {
            case 7:
                outcomes.append(
                    RecordedOutcome(
                        winId: win.id, attempt: Self.attempt(win.id, outcome: "retry", detail: "HTTP 503", status: 503),
                        change: .retry(nextAttemptAt: 500, reason: "HTTP 503"), operatorName: "casino-a"))
            case 8:
                outcomes.append(
                    RecordedOutcome(
                        winId: win.id, attempt: Self.attempt(win.id, outcome: "failed", detail: "error 5"),
                        change: .failed(reason: "error 5"), operatorName: "casino-a"))
            case 9:
                outcomes.append(RecordedOutcome(winId: win.id, attempt: nil, change: .released))
            default:
                let confirmation = Confirmation(
                    transactionId: index == 3 ? awkward : "T-\(win.id)", currency: index % 2 == 0 ? "EUR" : nil,
                    cash: index == 4 ? "10.50" : nil, bonus: index == 4 ? "0" : nil, alreadyCreditedCode: index == 5 ? 61 : nil)
                outcomes.append(
                    RecordedOutcome(
                        winId: win.id,
                        attempt: Self.attempt(
                            win.id, outcome: "delivered", detail: "transactionId \(confirmation.transactionId)"),
                        change: .delivered(confirmation), operatorName: "casino-a"))
            }
        }
        try outbox.database.transaction { try outbox.record(outcomes, owner: "test:1:x", now: now + 10) }

        for outcome in outcomes {
            let win = try #require(try outbox.win(reference: claimed.first { $0.id == outcome.winId }!.reference))
            let attempts = try outbox.attempts(winId: outcome.winId)
            switch outcome.change {
            case .delivered(let confirmation) where repeated.contains(outcome.winId):
                #expect(win.state == .delivered)
                #expect(win.transactionId == "T-earlier")
                #expect(win.otherTransactionIds == confirmation.transactionId)
                #expect(
                    attempts.map(\.detail) == [
                        "transactionId \(confirmation.transactionId); a repeat delivery with another transactionId: kept the first, T-earlier"
                    ])
            case .delivered(let confirmation):
                #expect(win.state == .delivered)
                #expect(win.transactionId == confirmation.transactionId)
                #expect(win.currency == confirmation.currency && win.cash == confirmation.cash && win.bonus == confirmation.bonus)
                #expect(win.alreadyCreditedCode == confirmation.alreadyCreditedCode)
                #expect(win.deliveredAt == now + 10 && win.attempts == 1 && win.leaseOwner == nil && win.leaseExpiresAt == nil)
                #expect(attempts.map(\.detail) == ["transactionId \(confirmation.transactionId)"])
            case .retry:
                #expect(win.state == .pending && win.nextAttemptAt == 500 && win.attempts == 1 && win.lastError == "HTTP 503")
                #expect(attempts.map(\.httpStatus) == [503])
            case .failed:
                #expect(win.state == .failed && win.attempts == 1 && win.lastError == "error 5")
                #expect(attempts.count == 1)
            case .released:
                #expect(win.state == .pending && win.attempts == 0 && win.leaseOwner == nil)
                #expect(attempts.isEmpty)
            }
            if let expected = outcome.attempt, let stored = attempts.first {
                #expect(stored.durationMs == expected.durationMs && stored.startedAt == expected.startedAt)
                #expect(stored.responseHead == expected.responseHead && stored.daemon == expected.daemon)
            }
        }
        #expect(try outbox.win(reference: "r-3")?.transactionId == awkward)
        // Attempt rows in the order of the outcomes.
        let order = try outbox.database.query("SELECT win_id FROM attempts ORDER BY id").compactMap { $0.int64("win_id") }
        #expect(order == outcomes.compactMap { $0.attempt?.winId })
        // The trigger-kept counts agree with the rows.
        let counted = try outbox.database.query("SELECT state, count FROM win_counts WHERE count > 0 ORDER BY state")
            .map { "\($0.string("state") ?? "") \($0.int("count") ?? -1)" }
        let actual = try outbox.database.query("SELECT state, count(*) AS n FROM wins GROUP BY state ORDER BY state")
            .map { "\($0.string("state") ?? "") \($0.int("n") ?? -1)" }
        #expect(counted == actual)
    }
}

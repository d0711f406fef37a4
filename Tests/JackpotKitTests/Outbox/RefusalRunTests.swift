import Foundation
import Testing
import TestSupport
import JackpotStore
import JackpotWire

/// The run of identical refusals behind "casino-a rejecting: error 5 … (N wins
/// in a row)", `jackpotd_operator_consecutive_refusals` and its alert: N counts
/// wins, not calls, and any other outcome ends the run.
@Suite(.timeLimit(.minutes(2))) struct RefusalRunTests {
    let directory = TemporaryDirectory()
    let outbox: Outbox
    let wins: [Int64]
    private static let owner = "test:1:x"
    /// Later than any row's first due time.
    private static let base = WallClock.nowMilliseconds() + 60_000

    init() throws {
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        self.outbox = outbox
        try outbox.database.transaction {
            for index in 0..<5 {
                try outbox.database.execute(
                    """
                    INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, validated)
                    VALUES (?, 'casino-a', '421', 'g', 'r', '55', '568', 1)
                    """, [.text("refused-\(index)")])
            }
        }
        wins = try outbox.database.query("SELECT id FROM wins ORDER BY id").compactMap { $0.int64("id") }
    }

    /// One round: every win called side by side, each answer recorded in `order`.
    func round(_ number: Int, order: [Int64], status: Int? = 200, errorCode: Int? = 5, outcome: String = "retry") throws {
        let now = Self.base + Int64(10_000 * number)
        let claimed = try outbox.claim(
            operator: "casino-a", limit: wins.count, owner: Self.owner, leaseExpiresAt: now + 5_000, now: now)
        #expect(claimed.count == wins.count)
        let outcomes = order.enumerated().map { position, winId in
            RecordedOutcome(
                winId: winId,
                attempt: AttemptRecord(
                    winId: winId, attempt: number, startedAt: now + Int64(position), durationMs: 3, httpStatus: status,
                    errorCode: errorCode, outcome: outcome, detail: errorCode.map { "error \($0): Invalid hash" } ?? "timeout",
                    responseHead: nil, daemon: Self.owner),
                change: .retry(nextAttemptAt: now + 1, reason: "retry"), operatorName: "casino-a")
        }
        try outbox.database.transaction { try outbox.record(outcomes, owner: Self.owner, now: now) }
    }

    var refusal: OperatorRefusal? { get throws { try outbox.operatorStates()["casino-a"]?.refusal } }

    @Test func fiveWinsRefusedThreeTimesEachAreFiveWinsInARow() throws {
        try round(1, order: wins)
        try round(2, order: wins.reversed())
        try round(3, order: wins)
        let run = try #require(try refusal)
        #expect(run.code == 5)
        #expect(run.wins == 5, "15 refused calls of 5 wins")
        #expect(run.since == Self.base + 10_000)
    }

    @Test func aTimeoutEndsTheRun() throws {
        try round(1, order: wins)
        try round(2, order: wins)
        #expect(try refusal?.wins == 5)
        try round(3, order: wins, status: nil, errorCode: nil)
        #expect(try refusal == nil, "calls that were not refused end the run of refusals")
        try round(4, order: Array(wins.prefix(2)) + Array(wins.suffix(3)))
        #expect(try refusal?.wins == 5)
        #expect(try refusal?.since == Self.base + 40_000)
    }
}

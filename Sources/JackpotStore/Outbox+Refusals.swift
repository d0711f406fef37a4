import Foundation

/// An operator answering the same error code to win after win (5 "invalid
/// hash", 7 "bad parameters") is refusing deterministically: retries will not
/// help, a config change will. Kept per operator in the `operators` table so
/// `status` and the metrics show it, whichever process asks.
extension Outbox {
    /// Updates the operator's run of identical refusals with one attempt. A
    /// refusal of the same code extends it, counting each win once however
    /// often it is retried (wins are retried side by side, so "another win
    /// than the last" would count retries); any other outcome ends it, a
    /// timeout or connection error included: the run says "every recent call
    /// was refused", and those calls were not.
    ///
    /// `cleared` holds the operators whose run this batch has already cleared,
    /// with no refusal since (`operatorName`, when known, is the win's operator):
    /// clearing one again would change nothing.
    func noteRefusal(_ attempt: AttemptRecord, operator operatorName: String?, now: Int64, cleared: inout Set<String>) throws {
        let operatorOfWin = "(SELECT operator FROM wins WHERE id = ?1)"
        guard let code = attempt.errorCode, attempt.outcome != "delivered" else {
            if let operatorName, !cleared.insert(operatorName).inserted { return }
            try database.execute(
                """
                UPDATE operators SET refusal_code = NULL, refusal_description = NULL, refusal_since = NULL,
                    refusal_wins = 0, refusal_last_win = NULL
                WHERE name = \(operatorOfWin) AND refusal_code IS NOT NULL
                """, [.integer(attempt.winId)])
            return
        }
        if let operatorName { cleared.remove(operatorName) }
        // An upsert: the first refusal may come before anything else wrote the operator's row.
        try database.execute(
            """
            INSERT INTO operators (name, refusal_code, refusal_description, refusal_since, refusal_wins, refusal_last_win, updated_at)
            SELECT operator, ?2, ?4, ?3, 1, ?1, ?5 FROM wins WHERE id = ?1
            ON CONFLICT (name) DO UPDATE SET
                refusal_wins = CASE WHEN refusal_code IS ?2 THEN refusal_wins + (refusal_last_win IS NOT ?1 AND NOT EXISTS (
                    SELECT 1 FROM attempts
                    WHERE win_id = ?1 AND error_code = ?2 AND started_at >= operators.refusal_since)) ELSE 1 END,
                -- The run starts at its earliest refused call: calls side by side end out of order.
                refusal_since = CASE WHEN refusal_code IS ?2 THEN min(refusal_since, ?3) ELSE ?3 END,
                refusal_code = ?2, refusal_description = ?4, refusal_last_win = ?1
            """,
            [
                .integer(attempt.winId), .integer(Int64(code)), .integer(attempt.startedAt),
                SQLValue(Self.refusalDescription(attempt.detail)), .integer(now),
            ])
    }

    /// The operator's description from an attempt's detail (`error 5: Invalid hash`).
    static func refusalDescription(_ detail: String) -> String? {
        guard let colon = detail.firstIndex(of: ":") else { return nil }
        var text = detail[detail.index(after: colon)...].drop { $0 == " " }
        if let note = text.range(of: " (a no-retry") { text = text[..<note.lowerBound] }
        return text.isEmpty ? nil : String(text)
    }
}

/// What `status` says about an operator's run of identical refusals.
package struct OperatorRefusal: Sendable, Hashable {
    package var code: Int
    package var description: String?
    package var since: Int64
    /// Consecutive wins refused with `code`.
    package var wins: Int

    /// Two wins in a row with the same code is no coincidence.
    package static let reportedFromWins = 2

    package var isReported: Bool { wins >= Self.reportedFromWins }

    /// Where to look, for the codes the wallet API family defines.
    package var hint: String {
        switch code {
        case 5, 110: "check secret and hash settings"
        case 7: "check fieldNames, extraFields and the wins' fields"
        case 120: "check the player tokens (requireToken)"
        default: "see `jackpotd show` of a recent win"
        }
    }
}

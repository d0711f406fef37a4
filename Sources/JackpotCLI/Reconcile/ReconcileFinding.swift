import JackpotStore
import JackpotTelemetry
import JackpotWire

/// Where one reference stands between the operator's report and the outbox.
enum ReconcileCategory: String, CaseIterable, Sendable {
    /// Delivered here with the same transactionId and amount.
    case matched
    /// Delivered here, but the report does not list it.
    case missingAtOperator
    /// The report lists it; here it is pending, sending, failed or cancelled.
    case creditedNotDeliveredHere
    /// The report lists it; here there is no such win, or it is another operator's.
    case unknownHere
    /// Both sides have it, with a different amount or transactionId.
    case mismatch

    var label: String {
        switch self {
        case .matched: "matched"
        case .missingAtOperator: "missing at operator"
        case .creditedNotDeliveredHere: "credited, not delivered here"
        case .unknownHere: "unknown here"
        case .mismatch: "mismatch"
        }
    }
}

/// One compared reference: its category and what both sides say.
struct ReconcileFinding: Sendable {
    var category: ReconcileCategory
    var reference: String
    /// The report's line, nil for a win the report leaves out.
    var line: Int?
    var row: ReportRow?
    var win: StoredWin?
    /// Why it is in its category, in a few words.
    var detail: String

    /// The pure comparison of a report row with what the outbox holds for its reference.
    /// Amounts compare as exact decimals (`55` equals `55.00`); the currency only
    /// when both sides know it.
    ///
    /// A purged win (`tombstone`, when there is no win) was delivered: it matches
    /// when the operator reports it under the transactionId it confirmed.
    static func compare(_ row: ReportRow, with win: StoredWin?, tombstone: Tombstone? = nil, operator name: String)
        -> ReconcileFinding
    {
        func finding(_ category: ReconcileCategory, _ detail: String) -> ReconcileFinding {
            ReconcileFinding(category: category, reference: row.reference, line: row.line, row: row, win: win, detail: detail)
        }
        if win == nil, let tombstone {
            let purged = PurgedWinText.text(tombstone)
            guard tombstone.operatorName == name else {
                return finding(.unknownHere, "here it was a win of operator \(tombstone.operatorName), \(purged)")
            }
            guard tombstone.transactionId == row.transactionId else {
                return finding(.mismatch, "\(purged); in the report transactionId \(row.transactionId)")
            }
            return finding(.matched, purged)
        }
        guard let win else { return finding(.unknownHere, "no win with this reference here") }
        guard win.operatorName == name else { return finding(.unknownHere, "here it is a win of operator \(win.operatorName)") }
        var differences: [String] = []
        let ours = try? DecimalAmount(validating: win.amount)
        if let theirs = row.amount, theirs != ours {
            differences.append("amount here \(win.amount), in the report \(theirs.canonical)")
        }
        if let theirs = row.currency, let currency = win.currency, theirs != currency {
            differences.append("currency here \(currency), in the report \(theirs)")
        }
        if win.state == .delivered, let id = win.transactionId, !id.isEmpty, id != row.transactionId {
            differences.append("transactionId here \(id), in the report \(row.transactionId)")
        }
        if !differences.isEmpty { return finding(.mismatch, differences.joined(separator: "; ")) }
        if win.state == .delivered { return finding(.matched, "transactionId \(row.transactionId)") }
        return finding(
            .creditedNotDeliveredHere,
            "\(win.state.rawValue) here, \(win.attempts) attempt\(win.attempts == 1 ? "" : "s")"
                + (win.lastError.map { ", last error: \($0)" } ?? ""))
    }

    /// A delivered win the report leaves out.
    static func missing(_ win: StoredWin) -> ReconcileFinding {
        ReconcileFinding(
            category: .missingAtOperator, reference: win.reference, line: nil, row: nil, win: win,
            detail:
                "delivered here \(TimeFormat.timestamp(win.deliveredAt)), transactionId \(win.transactionId ?? "-"); not in the report"
        )
    }
}

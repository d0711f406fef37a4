import JackpotWire
/// What the outbox keeps of a purged win: enough to refuse paying it twice
/// (wallets remember a reference for a limited time only), small enough to keep forever.
package struct Tombstone: Sendable, Hashable {
    package var reference: String
    package var operatorName: String
    package var contentDigest: [UInt8]
    package var transactionId: String
    package var deliveredAt: Int64
    package var purgedAt: Int64

    init(row: Row) {
        reference = row.string("reference") ?? ""
        operatorName = row.string("operator") ?? ""
        if case .blob(let bytes) = row["content_digest"] { contentDigest = bytes } else { contentDigest = [] }
        transactionId = row.string("transaction_id") ?? ""
        deliveredAt = row.int64("delivered_at") ?? 0
        purgedAt = row.int64("purged_at") ?? 0
    }

    /// MD5 over what makes two enqueues the same win (`Outbox.difference`, less
    /// the timestamp, which a re-sent win may omit). Each field is length-prefixed,
    /// so no two different contents join to the same text.
    package static func digest(
        operatorName: String, userId: String, gameId: String, roundId: String, amount: String, jackpotId: String,
        platform: String?, token: String?, jackpotDetails: String?, extra: String?
    ) -> [UInt8] {
        let canonicalAmount = (try? DecimalAmount(validating: amount))?.canonical ?? amount
        var text = ""
        let fields = [
            operatorName, userId, gameId, roundId, canonicalAmount, jackpotId, platform ?? "", token ?? "",
            jackpotDetails ?? "", extra ?? "",
        ]
        for field in fields {
            text += "\(field.utf8.count):\(field)"
        }
        return MD5.digest(Array(text.utf8))
    }

    static func digest(_ win: JackpotWin) -> [UInt8] {
        digest(
            operatorName: win.operatorName, userId: win.userId, gameId: win.gameId, roundId: win.roundId,
            amount: win.amount.canonical, jackpotId: win.jackpotId, platform: win.platform, token: win.token,
            jackpotDetails: win.jackpotDetails, extra: WinExtras.storedText(win.extra))
    }

    static func digest(_ win: StoredWin) -> [UInt8] {
        digest(
            operatorName: win.operatorName, userId: win.userId, gameId: win.gameId, roundId: win.roundId,
            amount: win.amount, jackpotId: win.jackpotId, platform: win.platform, token: win.token,
            jackpotDetails: win.jackpotDetails, extra: win.extra)
    }
}

extension Tombstone {
    /// When the win was delivered and purged, as UTC text in the words (and SQLite's
    /// time format) of the trigger that parks plain-SQL rows: `2026-11-01T14:30:05.123Z`.
    func times(in database: Database) throws -> (delivered: String, purged: String) {
        let format = "strftime('%Y-%m-%dT%H:%M:%fZ', ? / 1000.0, 'unixepoch')"
        let row = try database.queryRow(
            "SELECT \(format) AS delivered, \(format) AS purged", [.integer(deliveredAt), .integer(purgedAt)])
        return (row?.string("delivered") ?? String(deliveredAt), row?.string("purged") ?? String(purgedAt))
    }
}

extension Outbox {
    /// The tombstone of a purged win, or nil.
    package func tombstone(reference: String) throws -> Tombstone? {
        try database.queryRow("SELECT * FROM tombstones WHERE reference = ?", [.text(reference)]).map(Tombstone.init(row:))
    }
}

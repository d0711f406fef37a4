import JackpotWire
/// A win as the outbox holds it: the payload plus its delivery bookkeeping.
///
/// The payload is kept as raw text (`amount` included) because rows may come
/// from plain SQL and be invalid; `win()` validates them into a `JackpotWin`.
package struct StoredWin: Sendable, Hashable {
    package var id: Int64
    package var reference: String
    package var operatorName: String
    package var userId: String
    package var gameId: String
    package var roundId: String
    package var amount: String
    package var jackpotId: String
    package var timestamp: String
    package var platform: String?
    package var token: String?
    /// Exactly the text sent as `jackpotDetails`.
    package var jackpotDetails: String?
    /// A JSON object of string values, as stored.
    package var extra: String?
    package var state: WinState
    package var attempts: Int
    package var nextAttemptAt: Int64
    package var createdAt: Int64
    package var updatedAt: Int64
    package var leaseOwner: String?
    package var leaseExpiresAt: Int64?
    package var lastError: String?
    package var transactionId: String?
    package var currency: String?
    package var cash: String?
    package var bonus: String?
    package var deliveredAt: Int64?
    package var cancelReason: String?
    package var cancelledAt: Int64?
    /// When ops last retried it (`jackpotd retry`), else nil.
    package var retriedAt: Int64?
    /// The operator's "already credited" code, when that is how delivery was confirmed.
    package var alreadyCreditedCode: Int?
    /// When it became `failed` or `cancelled`; nil in every other state.
    package var finalizedAt: Int64?
    /// transactionIds that repeat deliveries reported besides the stored one (space-separated), else nil.
    package var otherTransactionIds: String?
    /// Payload columns whose stored text is not valid UTF-8: such a row is never sent.
    package var invalidTextColumns: [String] = []

    /// Where the win's max age counts from: enqueue, or the last retry by ops.
    package var ageOrigin: Int64 { max(createdAt, retriedAt ?? createdAt) }

    /// The columns every query that decodes a `StoredWin` selects, in this order:
    /// `init(row:)` reads them by position, a dictionary lookup per column being
    /// a measurable share of each claim.
    static let columnNames = [
        "id", "reference", "operator", "user_id", "game_id", "round_id", "amount", "jackpot_id", "timestamp", "platform",
        "token", "state", "attempts", "next_attempt_at", "created_at", "updated_at", "lease_owner", "lease_expires_at",
        "last_error", "transaction_id", "currency", "cash", "bonus", "delivered_at", "cancel_reason", "cancelled_at",
        "retried_at", "jackpot_details", "extra", "already_credited_code", "finalized_at", "other_transaction_ids",
    ]
    static let columns = columnNames.joined(separator: ", ")

    /// The payload columns (positions in `columnNames`) by their wire names, for
    /// naming a column that is not text.
    static let payloadColumns: KeyValuePairs<Int, String> = [
        1: "reference", 2: "operator", 3: "userId", 4: "gameId", 5: "roundId", 6: "amount", 7: "jackpotId",
        8: "timestamp", 9: "platform", 10: "token", 27: "jackpotDetails", 28: "extra",
    ]

    /// A row of a query selecting `columns`.
    init(row: Row) {
        assert(row.columnNames == Self.columnNames, "StoredWin decodes rows selecting StoredWin.columns")
        let values = row.values
        func text(_ position: Int) -> String? {
            switch values[position] {
            case .text(let text): return text
            case .integer(let integer): return String(integer)
            case .null, .real, .blob: return nil
            }
        }
        func integer(_ position: Int) -> Int64? {
            switch values[position] {
            case .integer(let integer): return integer
            case .real(let real): return Int64(exactly: real)
            case .null, .text, .blob: return nil
            }
        }
        id = integer(0) ?? 0
        reference = text(1) ?? ""
        operatorName = text(2) ?? ""
        userId = text(3) ?? ""
        gameId = text(4) ?? ""
        roundId = text(5) ?? ""
        amount = text(6) ?? ""
        jackpotId = text(7) ?? ""
        timestamp = text(8) ?? ""
        platform = text(9)
        token = text(10)
        state = WinState(rawValue: text(11) ?? "") ?? .pending
        attempts = integer(12).flatMap { Int(exactly: $0) } ?? 0
        nextAttemptAt = integer(13) ?? 0
        createdAt = integer(14) ?? 0
        updatedAt = integer(15) ?? 0
        leaseOwner = text(16)
        leaseExpiresAt = integer(17)
        lastError = text(18)
        transactionId = text(19)
        currency = text(20)
        cash = text(21)
        bonus = text(22)
        deliveredAt = integer(23)
        cancelReason = text(24)
        cancelledAt = integer(25)
        retriedAt = integer(26)
        jackpotDetails = text(27)
        extra = text(28)
        alreadyCreditedCode = integer(29).flatMap { Int(exactly: $0) }
        finalizedAt = integer(30)
        otherTransactionIds = text(31)
        for (position, field) in Self.payloadColumns {
            if case .blob = values[position] { invalidTextColumns.append(field) }
        }
    }

    /// The validated payload, or the reason this row can never be sent as it is.
    package func win() throws(WinValidationError) -> JackpotWin {
        if let field = invalidTextColumns.first {
            throw WinValidationError(field: field, reason: "is not valid UTF-8 text")
        }
        let validAmount: DecimalAmount
        do {
            validAmount = try DecimalAmount(validating: amount)
        } catch {
            throw WinValidationError(field: "amount", reason: error.reason + " (\"\(amount)\")")
        }
        let win = JackpotWin(
            operatorName: operatorName, userId: userId, gameId: gameId, roundId: roundId,
            amount: validAmount, reference: reference, timestamp: timestamp, jackpotId: jackpotId,
            platform: platform, token: token, jackpotDetails: jackpotDetails,
            extra: try extra.map { (text) throws(WinValidationError) in try WinExtras.extra(storedText: text) } ?? [])
        try win.validate()
        return win
    }
}

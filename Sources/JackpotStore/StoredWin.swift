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

    static let columns = """
        id, reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp, platform, token,
        state, attempts, next_attempt_at, created_at, updated_at, lease_owner, lease_expires_at, last_error,
        transaction_id, currency, cash, bonus, delivered_at, cancel_reason, cancelled_at, retried_at,
        jackpot_details, extra, already_credited_code, finalized_at, other_transaction_ids
        """

    /// The payload columns by their wire names, for naming a column that is not text.
    static let payloadColumns: KeyValuePairs<String, String> = [
        "reference": "reference", "operator": "operator", "user_id": "userId", "game_id": "gameId",
        "round_id": "roundId", "amount": "amount", "jackpot_id": "jackpotId", "timestamp": "timestamp",
        "platform": "platform", "token": "token", "jackpot_details": "jackpotDetails", "extra": "extra",
    ]

    init(row: Row) {
        id = row.int64("id") ?? 0
        reference = row.string("reference") ?? ""
        operatorName = row.string("operator") ?? ""
        userId = row.string("user_id") ?? ""
        gameId = row.string("game_id") ?? ""
        roundId = row.string("round_id") ?? ""
        amount = row.string("amount") ?? ""
        jackpotId = row.string("jackpot_id") ?? ""
        timestamp = row.string("timestamp") ?? ""
        platform = row.string("platform")
        token = row.string("token")
        state = WinState(rawValue: row.string("state") ?? "") ?? .pending
        attempts = row.int("attempts") ?? 0
        nextAttemptAt = row.int64("next_attempt_at") ?? 0
        createdAt = row.int64("created_at") ?? 0
        updatedAt = row.int64("updated_at") ?? 0
        leaseOwner = row.string("lease_owner")
        leaseExpiresAt = row.int64("lease_expires_at")
        lastError = row.string("last_error")
        transactionId = row.string("transaction_id")
        currency = row.string("currency")
        cash = row.string("cash")
        bonus = row.string("bonus")
        deliveredAt = row.int64("delivered_at")
        cancelReason = row.string("cancel_reason")
        cancelledAt = row.int64("cancelled_at")
        retriedAt = row.int64("retried_at")
        jackpotDetails = row.string("jackpot_details")
        extra = row.string("extra")
        alreadyCreditedCode = row.int("already_credited_code")
        finalizedAt = row.int64("finalized_at")
        otherTransactionIds = row.string("other_transaction_ids")
        invalidTextColumns = Self.payloadColumns.compactMap { column, field in
            if case .blob = row[column] { return field }
            return nil
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

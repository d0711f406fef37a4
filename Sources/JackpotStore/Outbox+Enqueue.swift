import CSQLite
import JackpotWire
extension Outbox {
    /// Wins committed per transaction in a batch: large enough to amortise the
    /// fsync, small enough that a running daemon is never locked out for long.
    package static let enqueueChunkSize = 2000

    /// Stores `wins`, idempotently on `reference`. Returns one result per input,
    /// in order. When this returns, every accepted win is on disk (fsynced).
    ///
    /// `operatorsChecked`: the caller refused wins of operators its configuration
    /// does not name (`enqueue --config` does). The rows are then stored as
    /// validated, a `NewWin` being valid by construction: the daemon reads them
    /// first when it claims them, not once more before (`parkInvalidNewWins`).
    /// Without it the daemon checks each row, and parks those of operators it
    /// does not know.
    package func enqueue(
        _ wins: [NewWin], now: Int64 = WallClock.nowMilliseconds(), operatorsChecked: Bool = false
    ) throws -> [EnqueueResult] {
        var results: [EnqueueResult] = []
        results.reserveCapacity(wins.count)
        for chunk in SQLBatch.chunks(of: wins, size: Self.enqueueChunkSize) {
            try database.transaction {
                // Purged references are rare and a batch has many wins: one look for any tombstone
                // in the transaction (its write lock keeps new ones out) saves a lookup per win.
                let checkTombstones = try chunk.count == 1 || anyTombstone()
                for newWin in chunk {
                    results.append(
                        try insert(newWin, now: now, validated: operatorsChecked, checkTombstone: checkTombstones))
                }
            }
        }
        return results
    }

    private func anyTombstone() throws -> Bool {
        try database.queryScalar("SELECT EXISTS (SELECT 1 FROM tombstones)") == .integer(1)
    }

    private func insert(_ newWin: NewWin, now: Int64, validated: Bool, checkTombstone: Bool) throws -> EnqueueResult {
        let win = newWin.win
        if checkTombstone, let tombstone = try tombstone(reference: win.reference) {
            if tombstone.contentDigest == Tombstone.digest(win) { return .duplicate }
            let times = try tombstone.times(in: database)
            return .rejected(
                .conflictWithPurgedWin(
                    reference: win.reference, transactionId: tombstone.transactionId, deliveredAt: times.delivered,
                    purgedAt: times.purged))
        }
        // The trigger `wins_reference_conflict` refuses a different content, comparing
        // the text as stored; the comparison below knows that "55.0" is "55" and names the fields.
        if try insertRow(newWin, now: now, validated: validated) { return .accepted }
        guard let existing = try self.win(reference: win.reference) else {
            // Not stored, yet not there: only a damaged unique index could do that.
            throw DatabaseError(
                extendedCode: SQLITE_CORRUPT, message: "reference \(win.reference) was neither stored nor found in \(path)")
        }
        let fields = Self.differences(existing, newWin)
        return fields.isEmpty ? .duplicate : .rejected(.conflict(reference: win.reference, fields: fields))
    }

    /// True when stored; false when the reference was already there (same or different content).
    private func insertRow(_ newWin: NewWin, now: Int64, validated: Bool) throws -> Bool {
        let win = newWin.win
        do {
            try database.execute(
                """
                INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp,
                                  platform, token, next_attempt_at, created_at, updated_at, jackpot_details, extra, validated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (reference) DO NOTHING
                """,
                [
                    .text(win.reference), .text(win.operatorName), .text(win.userId), .text(win.gameId),
                    .text(win.roundId), .text(win.amount.canonical), .text(win.jackpotId), .text(win.timestamp),
                    SQLValue(win.platform), SQLValue(win.token), .integer(now), .integer(now), .integer(now),
                    SQLValue(win.jackpotDetails), SQLValue(WinExtras.storedText(win.extra)), .integer(validated ? 1 : 0),
                ])
        } catch {
            if error.code == 19 && error.message.contains("jackpotd: conflict") { return false }
            throw error
        }
        return database.changes == 1
    }

    /// Every field in which a stored win differs from a new one, in a fixed order; empty for the same win.
    package static func differences(_ stored: StoredWin, _ newWin: NewWin) -> [String] {
        let win = newWin.win
        var fields: [String] = []
        if stored.operatorName != win.operatorName { fields.append("operator") }
        if stored.userId != win.userId { fields.append("userId") }
        if stored.gameId != win.gameId { fields.append("gameId") }
        if stored.roundId != win.roundId { fields.append("roundId") }
        if (try? DecimalAmount(validating: stored.amount)) != win.amount { fields.append("amount") }
        if stored.jackpotId != win.jackpotId { fields.append("jackpotId") }
        if (stored.platform ?? "") != (win.platform ?? "") { fields.append("platform") }
        if (stored.token ?? "") != (win.token ?? "") { fields.append("token") }
        if (stored.jackpotDetails ?? "") != (win.jackpotDetails ?? "") { fields.append("jackpotDetails") }
        if (stored.extra ?? "") != (WinExtras.storedText(win.extra) ?? "") { fields.append("extra") }
        if newWin.isTimestampGiven, stored.timestamp != win.timestamp { fields.append("timestamp") }
        return fields
    }
}

import JackpotWire
/// The daemon's side of the outbox: claiming with leases, recording attempts,
/// releasing, recovering and parking. Every state change checks the lease so a
/// daemon that lost its lease can never overwrite another daemon's work.
extension Outbox {
    /// Claims up to `limit` due pending wins of one operator in one statement:
    /// they become `sending`, leased to `owner` until `leaseExpiresAt`.
    ///
    /// They are also marked validated: the caller checks each claimed row as it
    /// builds its request and parks it when it cannot be sent (or, should that
    /// be lost, finds it unsendable again once its lease ends), which is what
    /// `parkInvalidNewWins` would do. So a row claimed soon after it was written
    /// is decoded once, not twice.
    ///
    /// Nothing is claimed for a paused operator: the statement reads the flag
    /// itself, so a pause holds for every claim that starts after `pause`
    /// committed, not only once housekeeping has copied the flag into memory.
    package func claim(operator name: String, limit: Int, owner: String, leaseExpiresAt: Int64, now: Int64) throws -> [StoredWin]
    {
        guard limit > 0 else { return [] }
        return try database.query(
            """
            UPDATE wins SET state = 'sending', lease_owner = ?1, lease_expires_at = ?2, updated_at = ?3, validated = 1
            WHERE id IN (
                SELECT id FROM wins
                WHERE state = 'pending' AND operator = ?4 AND next_attempt_at <= ?3
                ORDER BY next_attempt_at LIMIT ?5)
              AND NOT EXISTS (SELECT 1 FROM operators WHERE name = ?4 AND paused = 1)
            RETURNING \(StoredWin.columns)
            """,
            [.text(owner), .integer(leaseExpiresAt), .integer(now), .text(name), .integer(Int64(limit))]
        ).map(StoredWin.init(row:)).sorted { $0.nextAttemptAt < $1.nextAttemptAt }
    }

    /// When the operator's earliest pending win is due, or nil when it has none.
    package func nextDueTime(operator name: String) throws -> Int64? {
        try database.queryScalar(
            "SELECT min(next_attempt_at) FROM wins WHERE state = 'pending' AND operator = ?", [.text(name)]
        ).integerValue
    }

    /// When `claim` can next find a win of the operator: `nextDueTime`, or nil
    /// while the operator is paused (`resume` is a write the loop wakes for).
    package func nextClaimTime(operator name: String) throws -> Int64? {
        try database.queryScalar(
            """
            SELECT min(next_attempt_at) FROM wins WHERE state = 'pending' AND operator = ?1
              AND NOT EXISTS (SELECT 1 FROM operators WHERE name = ?1 AND paused = 1)
            """, [.text(name)]
        ).integerValue
    }

    /// `nextClaimTime` of every operator not paused that has a pending win, in
    /// one statement (an index search per operator): what the dispatcher asks
    /// after another process wrote, instead of a claim per operator.
    package func nextClaimTimes() throws -> [String: Int64] {
        var times: [String: Int64] = [:]
        for row in try database.query(
            """
            SELECT name, (SELECT min(next_attempt_at) FROM wins WHERE state = 'pending' AND operator = o.name) AS due
            FROM operators o WHERE paused = 0
            """)
        {
            if let name = row.string("name"), let due = row.int64("due") { times[name] = due }
        }
        return times
    }

    /// Each operator's pending wins due by `now`, counted up to `limit`: enough
    /// to tell whether fewer than `limit` are due without counting a backlog of
    /// thousands (a search of at most `limit` entries of `wins_due` per
    /// operator); operators with none due are left out. Paused operators are
    /// counted too: the pause is the lane's to weigh. Asked once per configure,
    /// by lanes that have not claimed yet (`LaneState.seedQuiet`), never per pass.
    package func dueWinCounts(upTo limit: Int, now: Int64) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try database.query(
            """
            SELECT name, (SELECT count(*) FROM (
                SELECT 1 FROM wins WHERE state = 'pending' AND operator = o.name AND next_attempt_at <= ?1 LIMIT ?2)
            ) AS due
            FROM operators o
            """, [.integer(now), .integer(Int64(limit))])
        {
            if let name = row.string("name"), let due = row.int64("due"), due > 0 { counts[name] = Int(due) }
        }
        return counts
    }

    /// Pending wins inserted after row `id` (ids grow): each of their operators'
    /// earliest due time, and the last row id now. A search of the newest rows
    /// only, whatever the outbox holds: `NOT INDEXED` keeps SQLite from going
    /// through every pending win of `wins_pending` instead of the row id range.
    package func newPendingWins(after id: Int64) throws -> (dueTimes: [String: Int64], lastId: Int64) {
        var times: [String: Int64] = [:]
        for row in try database.query(
            """
            SELECT operator, min(next_attempt_at) AS due FROM wins NOT INDEXED
            WHERE id > ? AND state = 'pending' GROUP BY operator
            """, [.integer(id)])
        {
            if let name = row.string("operator"), let due = row.int64("due") { times[name] = due }
        }
        let last = try database.queryScalar("SELECT coalesce(max(id), 0) FROM wins").integerValue ?? 0
        return (times, last)
    }

    /// Writes the outcome of finished attempts: the attempt log rows and the wins'
    /// new states. Runs inside the caller's transaction.
    ///
    /// Confirmations and attempt rows are written up to `rowsPerStatement` at a
    /// time: per statement SQLite opens a cursor on the table and on each index
    /// and sets up the count trigger's program, each an allocation in Debian's
    /// build. One statement per win made the record stage about a quarter
    /// dearer, measured with `jackpotd-bench --only dispatcher-cost`.
    package func record(_ outcomes: [RecordedOutcome], owner: String, now: Int64) throws {
        // Wins already delivered before: a repeat delivery, which changed nothing.
        let deliveredBefore = try storeConfirmations(outcomes, now: now)
        var refusalsCleared: Set<String> = []
        var attempts: [AttemptRecord] = []
        for outcome in outcomes {
            if var attempt = outcome.attempt {
                if case .delivered(let confirmation) = outcome.change, deliveredBefore.contains(outcome.winId),
                    let kept = try flagOtherTransactionId(confirmation.transactionId, winId: outcome.winId)
                {
                    attempt.detail += "; a repeat delivery with another transactionId: kept the first, \(kept)"
                }
                attempts.append(attempt)
                try noteRefusal(attempt, operator: outcome.operatorName, now: now, cleared: &refusalsCleared)
            }
            switch outcome.change {
            case .delivered:
                break  // stored above, before the attempt row that may note a repeat
            case .retry(let nextAttemptAt, let reason):
                try database.execute(
                    """
                    UPDATE wins SET state = 'pending', next_attempt_at = ?, last_error = ?, updated_at = ?,
                        attempts = attempts + ?, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? AND state = 'sending' AND lease_owner = ?
                    """,
                    [
                        .integer(nextAttemptAt), .text(reason), .integer(now), .integer(outcome.attempt == nil ? 0 : 1),
                        .integer(outcome.winId), .text(owner),
                    ])
            case .failed(let reason):
                try database.execute(
                    """
                    UPDATE wins SET state = 'failed', last_error = ?, updated_at = ?, attempts = attempts + ?,
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? AND state = 'sending' AND lease_owner = ?
                    """,
                    [
                        .text(reason), .integer(now), .integer(outcome.attempt == nil ? 0 : 1),
                        .integer(outcome.winId), .text(owner),
                    ])
            case .released:
                try database.execute(
                    """
                    UPDATE wins SET state = 'pending', updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? AND state = 'sending' AND lease_owner = ?
                    """,
                    [.integer(now), .integer(outcome.winId), .text(owner)])
            }
        }
        try insertAttempts(attempts)
    }

    /// Rows per multi-row statement of `record`; each chunk size is a statement of its own in the cache.
    package static let rowsPerStatement = 16

    /// Stores the confirmations among `outcomes`. A confirmation is the
    /// operator's word that it credited the win: it is stored even if our lease
    /// lapsed meanwhile. Returns the wins left unchanged because they were
    /// delivered before.
    private func storeConfirmations(_ outcomes: [RecordedOutcome], now: Int64) throws -> Set<Int64> {
        let confirmed = outcomes.compactMap { outcome -> (winId: Int64, counted: Bool, confirmation: Confirmation)? in
            guard case .delivered(let confirmation) = outcome.change else { return nil }
            return (outcome.winId, outcome.attempt != nil, confirmation)
        }
        var unchanged: Set<Int64> = []
        for chunk in SQLBatch.chunks(of: confirmed, size: Self.rowsPerStatement) {
            var arguments: [SQLValue] = [.integer(now)]
            arguments.reserveCapacity(1 + 7 * chunk.count)
            for (winId, counted, confirmation) in chunk {
                arguments += [
                    .integer(winId), .integer(counted ? 1 : 0), .text(confirmation.transactionId),
                    SQLValue(confirmation.currency),
                    SQLValue(confirmation.cash), SQLValue(confirmation.bonus), SQLValue(confirmation.alreadyCreditedCode),
                ]
            }
            let changed = Set(
                try database.query(
                    """
                    UPDATE wins SET state = 'delivered', transaction_id = v.column3, currency = v.column4, cash = v.column5,
                        bonus = v.column6, delivered_at = ?1, updated_at = ?1, attempts = attempts + v.column2, last_error = NULL,
                        lease_owner = NULL, lease_expires_at = NULL, already_credited_code = v.column7
                    FROM (VALUES \(SQLBatch.rows(chunk.count, columns: 7))) AS v
                    WHERE wins.id = v.column1 AND wins.state <> 'delivered'
                    RETURNING wins.id
                    """, arguments
                ).compactMap { $0.int64("id") })
            unchanged.formUnion(chunk.map(\.winId).filter { !changed.contains($0) })
        }
        return unchanged
    }

    private func insertAttempts(_ attempts: [AttemptRecord]) throws {
        for chunk in SQLBatch.chunks(of: attempts, size: Self.rowsPerStatement) {
            var arguments: [SQLValue] = []
            arguments.reserveCapacity(11 * chunk.count)
            for attempt in chunk {
                arguments += [
                    .integer(attempt.winId), .integer(Int64(attempt.attempt)), .integer(attempt.startedAt),
                    .real(attempt.durationMs), SQLValue(attempt.httpStatus), SQLValue(attempt.errorCode),
                    .text(attempt.outcome), .text(attempt.detail), SQLValue(attempt.responseHead), .text(attempt.daemon),
                    SQLValue(attempt.secret?.rawValue),
                ]
            }
            try database.execute(
                """
                INSERT INTO attempts (win_id, attempt, started_at, duration_ms, http_status, error_code, outcome,
                                      detail, response_head, daemon, secret)
                VALUES \(SQLBatch.rows(chunk.count, columns: 11))
                """, arguments)
        }
    }

    /// When the win is already delivered under another transactionId, records
    /// `transactionId` on the win (the first stays: the operator credited under it)
    /// and returns the id kept; else nil.
    private func flagOtherTransactionId(_ transactionId: String, winId: Int64) throws -> String? {
        let row = try database.queryRow(
            "SELECT transaction_id, other_transaction_ids FROM wins WHERE id = ? AND state = 'delivered'", [.integer(winId)])
        guard let row, let kept = row.string("transaction_id"), kept != transactionId else { return nil }
        let others = row.string("other_transaction_ids")?.split(separator: " ").map(String.init) ?? []
        if !others.contains(transactionId) {
            try database.execute(
                "UPDATE wins SET other_transaction_ids = ? WHERE id = ?",
                [.text((others + [transactionId]).joined(separator: " ")), .integer(winId)])
        }
        return kept
    }

    /// Leases that ran out (their daemon died or hung) go back to `pending`, due
    /// now. Also releases leases of daemons known dead (`isDead`), without waiting
    /// for expiry. Returns the references recovered.
    package func recoverLeases(now: Int64, isDead: (String) -> Bool) throws -> [String] {
        var recovered: [String] = []
        let owners = try database.query("SELECT DISTINCT lease_owner FROM wins WHERE state = 'sending'")
            .compactMap { $0.string("lease_owner") }
        for owner in owners where isDead(owner) {
            recovered += try database.query(
                """
                UPDATE wins SET state = 'pending', next_attempt_at = ?1, updated_at = ?1, lease_owner = NULL,
                    lease_expires_at = NULL, last_error = 'daemon ' || ?2 || ' stopped during the call; sending again'
                WHERE state = 'sending' AND lease_owner = ?2 RETURNING reference
                """,
                [.integer(now), .text(owner)]
            ).compactMap { $0.string("reference") }
        }
        recovered += try database.query(
            """
            UPDATE wins SET state = 'pending', next_attempt_at = ?1, updated_at = ?1,
                last_error = 'lease of ' || lease_owner || ' expired; sending again',
                lease_owner = NULL, lease_expires_at = NULL
            WHERE state = 'sending' AND lease_expires_at < ?1 RETURNING reference
            """,
            [.integer(now)]
        ).compactMap { $0.string("reference") }
        return recovered
    }

    /// Parks pending wins of `operator` enqueued (or retried by ops) before
    /// `createdBefore` as `failed`: they exceeded the operator's max age. Returns their references.
    package func expire(operator name: String, createdBefore: Int64, reason: String, now: Int64) throws -> [String] {
        try database.query(
            """
            UPDATE wins SET state = 'failed', last_error = ?1, updated_at = ?2
            WHERE state = 'pending' AND operator = ?3 AND created_at < ?4 AND coalesce(retried_at, 0) < ?4
            RETURNING reference
            """,
            [.text(reason), .integer(now), .text(name), .integer(createdBefore)]
        ).compactMap { $0.string("reference") }
    }

    /// Checks every row not yet validated (written by any process, plain SQL
    /// included) and parks every invalid pending one as `failed` with the reason.
    /// Each row is checked once, whatever its id: `validated` is set per row, so
    /// ids SQLite reuses after a purge are checked like new ones.
    ///
    /// Read in small batches through the partial index `wins_unvalidated`, so a
    /// first pass over a large outbox never materialises it all. With
    /// `maximumRows`, stops after about that many rows (whole batches): the
    /// daemon checks a large backlog slice by slice, claiming in between.
    package func parkInvalidNewWins(
        knownOperators: Set<String>, now: Int64, batch: Int = 500, maximumRows: Int = .max
    ) throws -> [(reference: String, reason: String)] {
        var parked: [(String, String)] = []
        var checked = 0
        while checked < maximumRows {
            let rows = try database.query(
                "SELECT \(StoredWin.columns) FROM wins INDEXED BY wins_unvalidated WHERE validated = 0 ORDER BY id LIMIT ?",
                [.integer(Int64(batch))])
            for row in rows {
                let stored = StoredWin(row: row)
                guard stored.state == .pending else { continue }
                var reason: String?
                do {
                    _ = try stored.win()
                    if !knownOperators.contains(stored.operatorName) {
                        reason = "operator \"\(stored.operatorName)\" is not configured"
                    }
                } catch {
                    reason = "invalid row: \(error)"
                }
                if let reason {
                    try database.execute(
                        "UPDATE wins SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
                        [.text(reason), .integer(now), .integer(stored.id)])
                    parked.append((stored.reference, reason))
                }
            }
            guard let last = rows.last?.int64("id") else { break }
            try database.execute(
                "UPDATE wins SET validated = 1 WHERE id IN (SELECT id FROM wins INDEXED BY wins_unvalidated WHERE validated = 0 AND id <= ?)",
                [.integer(last)])
            checked += rows.count
            if rows.count < batch { break }
        }
        return parked
    }

    /// True while some row has not been checked by `parkInvalidNewWins`.
    package func hasUnvalidatedWins() throws -> Bool {
        try database.queryScalar("SELECT EXISTS (SELECT 1 FROM wins INDEXED BY wins_unvalidated WHERE validated = 0)")
            .integerValue == 1
    }
}

/// The state change one finished (or abandoned) attempt makes to its win.
package struct RecordedOutcome: Sendable {
    package enum Change: Sendable {
        case delivered(Confirmation)
        case retry(nextAttemptAt: Int64, reason: String)
        case failed(reason: String)
        /// Claimed but not sent (shutdown, pause, open circuit): back to pending, no attempt counted.
        case released
    }

    package var winId: Int64
    /// The attempt log row; nil when no call was made.
    package var attempt: AttemptRecord?
    package var change: Change
    /// The win's operator when the caller knows it: a batch then clears an
    /// operator's run of refusals once, not once per delivered win.
    package var operatorName: String?

    package init(winId: Int64, attempt: AttemptRecord?, change: Change, operatorName: String? = nil) {
        self.winId = winId
        self.attempt = attempt
        self.change = change
        self.operatorName = operatorName
    }
}

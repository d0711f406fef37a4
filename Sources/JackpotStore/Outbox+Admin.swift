/// Ops' changes to wins: retry, cancel, purge. Each refuses to touch a
/// delivered win: the operator has credited it, and nothing may undo that record.
extension Outbox {
    package enum AdminResult: Sendable, Hashable {
        case changed
        case notFound
        /// The win's state does not allow the change; the state says why.
        case refused(WinState)
    }

    /// What `retry` sets: pending, due at ?1, with its max age counted from ?1.
    private static let dueNow = """
        state = 'pending', next_attempt_at = ?1, updated_at = ?1, retried_at = ?1, cancel_reason = NULL, cancelled_at = NULL
        """

    /// Makes a `failed`, `cancelled` or `pending` win due now. The cancel it
    /// undoes stays in the ops trail.
    package func retry(reference: String, now: Int64, by actor: String, reason: String? = nil) throws -> AdminResult {
        try database.transaction {
            guard let win = try win(reference: reference) else { return .notFound }
            guard WinState.retryable.contains(win.state) else { return .refused(win.state) }
            try database.execute("UPDATE wins SET \(Self.dueNow) WHERE id = ?2", [.integer(now), .integer(win.id)])
            try record(
                OpsAction(
                    at: now, actor: actor, kind: .retry, reference: reference, operatorName: win.operatorName, reason: reason,
                    detail: "was \(win.state.rawValue)"))
            return .changed
        }
    }

    /// Makes every win of `operator` in `state` (one of `WinState.retryable`)
    /// due now, only those enqueued in [`createdSince`, `createdBefore`) when
    /// given. Returns how many.
    package func retryAll(
        operator name: String, state: WinState, createdSince: Int64? = nil, createdBefore: Int64? = nil, now: Int64,
        by actor: String, reason: String? = nil
    ) throws -> Int {
        precondition(WinState.retryable.contains(state), "a \(state.rawValue) win cannot be retried")
        let window = Self.createdWindow(since: createdSince, before: createdBefore, firstArgument: 6)
        return try database.transaction {
            // One trail row per win, so each win's `show` has its own history.
            try database.execute(
                """
                INSERT INTO ops_actions (at, actor, action, reference, operator, reason, detail)
                SELECT ?1, ?2, 'retry', reference, operator, ?3, 'was ' || state FROM wins
                WHERE operator = ?4 AND state = ?5\(window.sql)
                """, [.integer(now), .text(actor), SQLValue(reason), .text(name), .text(state.rawValue)] + window.arguments)
            try database.execute(
                "UPDATE wins SET \(Self.dueNow) WHERE operator = ?4 AND state = ?5\(window.sql)",
                [.integer(now), .null, .null, .text(name), .text(state.rawValue)] + window.arguments)
            return database.changes
        }
    }

    /// The references `retryAll` with the same arguments would make due, oldest first (`retry --dry-run`).
    package func retryCandidates(
        operator name: String, state: WinState, createdSince: Int64? = nil, createdBefore: Int64? = nil
    ) throws -> [String] {
        let window = Self.createdWindow(since: createdSince, before: createdBefore, firstArgument: 3)
        return try database.query(
            "SELECT reference FROM wins WHERE operator = ?1 AND state = ?2\(window.sql) ORDER BY created_at, id",
            [.text(name), .text(state.rawValue)] + window.arguments
        ).compactMap { $0.string("reference") }
    }

    /// ` AND created_at >= ?N AND created_at < ?N+1` for the bounds given, numbered from `firstArgument`.
    private static func createdWindow(
        since: Int64?, before: Int64?, firstArgument: Int
    ) -> (sql: String, arguments: [SQLValue]) {
        var sql = ""
        var arguments: [SQLValue] = []
        if let since {
            sql += " AND created_at >= ?\(firstArgument + arguments.count)"
            arguments.append(.integer(since))
        }
        if let before {
            sql += " AND created_at < ?\(firstArgument + arguments.count)"
            arguments.append(.integer(before))
        }
        return (sql, arguments)
    }

    /// Stops delivering a win that is not delivered; the record and the reason stay.
    /// A win being sent right now may still be credited by the operator: its
    /// confirmation, if it comes, is recorded as `delivered`.
    package func cancel(reference: String, reason: String, now: Int64, by actor: String) throws -> AdminResult {
        try database.transaction {
            guard let win = try win(reference: reference) else { return .notFound }
            guard [.pending, .failed, .sending].contains(win.state) else { return .refused(win.state) }
            try database.execute(
                """
                UPDATE wins SET state = 'cancelled', cancel_reason = ?1, cancelled_at = ?2, updated_at = ?2,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ?3
                """, [.text(reason), .integer(now), .integer(win.id)])
            try record(
                OpsAction(
                    at: now, actor: actor, kind: .cancel, reference: reference, operatorName: win.operatorName, reason: reason,
                    detail: "was \(win.state.rawValue)"))
            return .changed
        }
    }

    /// Deletes delivered wins (and their attempts) delivered before `deliveredBefore`,
    /// leaving a tombstone for each (`Tombstone`), and notes it in the ops trail. Returns how many.
    package func purgeDelivered(
        before deliveredBefore: Int64, now: Int64, by actor: String, reason: String? = nil
    ) throws -> Int {
        let total = try purgeDeliveredChunks(before: deliveredBefore, now: now)
        try database.transaction {
            try record(
                OpsAction(
                    at: now, actor: actor, kind: .purge, reason: reason,
                    detail: "\(total) delivered win\(total == 1 ? "" : "s") delivered before \(deliveredBefore) ms"))
        }
        return total
    }

    /// How many wins `purgeDelivered` would delete (`purge --dry-run`).
    package func countDelivered(before deliveredBefore: Int64) throws -> Int {
        Int(
            try database.queryScalar(
                "SELECT count(*) FROM wins INDEXED BY wins_delivered WHERE state = 'delivered' AND delivered_at < ?",
                [.integer(deliveredBefore)]
            ).integerValue ?? 0)
    }

    private func purgeDeliveredChunks(before deliveredBefore: Int64, now: Int64) throws -> Int {
        var total = 0
        while true {
            // In chunks, so a running daemon is never locked out for long. The
            // attempts go with their wins (ON DELETE CASCADE). INDEXED BY: the
            // planner would rather walk every delivered win in `wins_finished`
            // than the range of `wins_delivered` that is due.
            let removed = try database.transaction {
                let wins = try database.query(
                    "SELECT \(StoredWin.columns) FROM wins INDEXED BY wins_delivered WHERE state = 'delivered' AND delivered_at < ? LIMIT 5000",
                    [.integer(deliveredBefore)]
                ).map(StoredWin.init(row:))
                for win in wins {
                    try database.execute(
                        """
                        INSERT INTO tombstones (reference, operator, content_digest, transaction_id, delivered_at, purged_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (reference) DO NOTHING
                        """,
                        [
                            .text(win.reference), .text(win.operatorName), .blob(Tombstone.digest(win)),
                            .text(win.transactionId ?? ""), .integer(win.deliveredAt ?? 0), .integer(now),
                        ])
                    try database.execute("DELETE FROM wins WHERE id = ?", [.integer(win.id)])
                }
                return wins.count
            }
            total += removed
            if removed < 5000 { return total }
        }
    }
}

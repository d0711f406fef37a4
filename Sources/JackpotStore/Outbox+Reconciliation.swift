/// The outbox's side of `jackpotd reconcile`: looking wins up by the references
/// an operator's report lists, finding delivered wins the report leaves out, and
/// settling wins the operator confirms it credited.
///
/// Built to stream: the report is read in batches, each looked up through the
/// `reference` index, and the references seen go into a temporary table on disk
/// (SQLite's temp store, bounded by its page cache), so neither side is ever
/// held whole in memory.
extension Outbox {
    /// Who the attempt log names for a settlement: no daemon made a call.
    package static let reconciliationDaemon = "jackpotd reconcile"
    /// How a settlement's attempt-log detail begins; `show` and `export` look for it.
    package static let settlementDetailPrefix = "settled by reconciliation"

    /// Starts a reconciliation on this connection: an empty table of the references seen.
    package func beginReconciliation() throws {
        try database.execute("PRAGMA temp_store = FILE")
        try database.executeScript(
            """
            CREATE TEMP TABLE IF NOT EXISTS reconcile_seen (reference TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
            DELETE FROM temp.reconcile_seen;
            """)
    }

    /// Notes that the report lists each reference on its line. Returns, per entry,
    /// the line that listed the reference before when it is a repeat (earlier in
    /// this batch included). One deferred transaction that writes only the
    /// temporary table: the daemon is never locked out of the outbox.
    package func markReported(_ entries: [(reference: String, line: Int)]) throws -> [Int?] {
        try database.execute("BEGIN DEFERRED")
        do {
            var repeats: [Int?] = []
            repeats.reserveCapacity(entries.count)
            for (reference, line) in entries {
                try database.execute(
                    "INSERT INTO temp.reconcile_seen (reference, line) VALUES (?, ?) ON CONFLICT (reference) DO NOTHING",
                    [.text(reference), .integer(Int64(line))])
                if database.changes == 1 {
                    repeats.append(nil)
                } else {
                    repeats.append(
                        try database.queryScalar(
                            "SELECT line FROM temp.reconcile_seen WHERE reference = ?", [.text(reference)]
                        ).integerValue.map(Int.init))
                }
            }
            try database.execute("COMMIT")
            return repeats
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// The wins among `references`, by reference (any operator: the caller tells them apart).
    package func wins(references: [String]) throws -> [String: StoredWin] {
        var found: [String: StoredWin] = [:]
        for chunk in SQLBatch.chunks(of: references, size: 500) {
            for row in try database.query(
                "SELECT \(StoredWin.columns) FROM wins WHERE reference IN (\(SQLBatch.placeholders(chunk.count)))",
                chunk.map { .text($0) })
            {
                let win = StoredWin(row: row)
                found[win.reference] = win
            }
        }
        return found
    }

    /// Streams the operator's delivered wins enqueued in `[from, to)` whose
    /// reference the report did not list (see `markReported`), oldest first.
    package func forEachUnreportedDelivery(
        operator name: String, enqueuedFrom from: Int64, to: Int64, _ body: (StoredWin) throws -> Void
    ) throws {
        try database.forEachRow(
            """
            SELECT \(StoredWin.columns) FROM wins
            WHERE state = 'delivered' AND operator = ? AND created_at >= ? AND created_at < ?
              AND NOT EXISTS (SELECT 1 FROM temp.reconcile_seen s WHERE s.reference = wins.reference)
            ORDER BY created_at, id
            """, [.text(name), .integer(from), .integer(to)]
        ) { try body(StoredWin(row: $0)) }
    }

    /// Why a settlement did not happen.
    package enum SettlementRefusal: Sendable, Hashable {
        /// The win changed since it was read (claimed, delivered, retried…): read it again.
        case changed(now: WinState)
        /// A live daemon holds its lease: the call may be on the wire right now.
        case leased(owner: String, until: Int64)
    }

    /// Marks `win` delivered with the operator's `transactionId` and logs why, in one
    /// transaction. The UPDATE only applies when the win is still as it was read
    /// (same state, same lease holder): a win a daemon claimed meanwhile is left to
    /// it. A `sending` win is settled only when its lease expired or
    /// `ownerIsDead` says its daemon is gone. A daemon that records a call for the
    /// win later cannot undo this: its UPDATEs need its lease, or a win not yet delivered.
    package func settleByReconciliation(
        _ win: StoredWin, transactionId: String, detail: String, now: Int64, ownerIsDead: (String) -> Bool
    ) throws -> SettlementRefusal? {
        try database.transaction {
            guard let current = try self.win(reference: win.reference), current.id == win.id else {
                return .changed(now: win.state)
            }
            guard current.state == win.state, current.leaseOwner == win.leaseOwner, current.state != .delivered else {
                return .changed(now: current.state)
            }
            var leaseFree = true
            if current.state == .sending, let owner = current.leaseOwner {
                leaseFree = (current.leaseExpiresAt ?? 0) < now || ownerIsDead(owner)
                if !leaseFree { return .leased(owner: owner, until: current.leaseExpiresAt ?? 0) }
            }
            try database.execute(
                """
                UPDATE wins SET state = 'delivered', transaction_id = ?1, delivered_at = ?2, updated_at = ?2,
                    last_error = NULL, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ?3 AND state = ?4 AND lease_owner IS ?5
                """,
                [
                    .text(transactionId), .integer(now), .integer(current.id), .text(current.state.rawValue),
                    SQLValue(current.leaseOwner),
                ])
            guard database.changes == 1 else { return .changed(now: current.state) }
            try database.execute(
                """
                INSERT INTO attempts (win_id, attempt, started_at, duration_ms, http_status, error_code, outcome,
                                      detail, response_head, daemon)
                VALUES (?, ?, ?, 0, NULL, NULL, 'delivered', ?, NULL, ?)
                """,
                [
                    .integer(current.id), .integer(Int64(current.attempts + 1)), .integer(now), .text(detail),
                    .text(Self.reconciliationDaemon),
                ])
            return nil
        }
    }

    /// The attempt-log detail of the win's settlement by reconciliation, if it was settled so.
    package func settlement(winId: Int64) throws -> String? {
        try database.queryScalar(
            "SELECT detail FROM attempts WHERE win_id = ? AND daemon = ? ORDER BY id DESC LIMIT 1",
            [.integer(winId), .text(Self.reconciliationDaemon)]
        ).textValue
    }
}

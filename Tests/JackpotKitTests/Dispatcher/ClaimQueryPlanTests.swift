import Foundation
import Testing
import JackpotStore
import TestSupport

/// The dispatcher's hot queries on a large outbox: `EXPLAIN QUERY PLAN` must
/// show them searching an index, never scanning `wins` or sorting in a temp
/// B-tree, so their cost does not grow with delivered history.
@Suite(.timeLimit(.minutes(2))) struct ClaimQueryPlanTests {
    static let rows = 200_000

    /// 200 000 wins over four operators, mostly delivered, as after months of
    /// operation; one plain-SQL statement, one transaction.
    static func bigOutbox(in directory: TemporaryDirectory) throws -> String {
        let path = directory.path("big.sqlite3")
        let outbox = try Outbox(path: path)
        try outbox.database.transaction {
            try outbox.database.execute(
                """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
                s(i, state) AS (
                    SELECT i, CASE WHEN i % 10 = 0 THEN 'pending' WHEN i % 1000 = 1 THEN 'sending'
                                   WHEN i % 97 = 0 THEN 'failed' ELSE 'delivered' END FROM n)
                INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp,
                                  state, attempts, next_attempt_at, created_at, updated_at, lease_owner,
                                  lease_expires_at, transaction_id, delivered_at)
                SELECT 'ref-' || i, 'op-' || (i % 4), '421', 'Im_60_tumblefortune', '5103188801', '55', '568',
                       '1482429190374', state, 1, 1700000000000 + i, 1700000000000 + i, 1700000000000 + i,
                       CASE state WHEN 'sending' THEN 'host:1:x' END,
                       CASE state WHEN 'sending' THEN 1800000000000 END,
                       CASE state WHEN 'delivered' THEN 'tx-' || i END,
                       CASE state WHEN 'delivered' THEN 1700000000000 + i END
                FROM s
                """, [.integer(Int64(rows))])
        }
        return path
    }

    /// The plan's lines, e.g. `SEARCH wins USING INDEX wins_due (operator=? AND next_attempt_at<?)`.
    static func plan(_ probe: OutboxProbe, _ sql: String, _ arguments: [SQLValue]) throws -> [String] {
        try probe.query("EXPLAIN QUERY PLAN " + sql, arguments).compactMap { $0.string("detail") }
    }

    /// A search (not a scan) of `wins` through one of `indexes`, and no sort
    /// unless `sortsFewRows` (a DISTINCT over the few leased rows is fine).
    static func expectCheap(
        _ plan: [String], index indexes: String..., sortsFewRows: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            plan.contains { line in
                line.hasPrefix("SEARCH wins USING") && indexes.contains { line.contains("INDEX \($0) (") }
            }, "\(plan)", sourceLocation: sourceLocation)
        #expect(!plan.contains { $0.hasPrefix("SCAN wins") }, "\(plan)", sourceLocation: sourceLocation)
        if !sortsFewRows {
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)", sourceLocation: sourceLocation)
        }
    }

    @Test func claimAndStatusQueriesUseTheirIndexesOnALargeOutbox() throws {
        let directory = TemporaryDirectory()
        let probe = OutboxProbe(try Self.bigOutbox(in: directory))
        #expect(try probe.count(.pending) == Self.rows / 10)
        let now: Int64 = 1_700_000_100_000

        // Outbox.claim, verbatim: the UPDATE and its inner SELECT.
        let claimArguments: [SQLValue] = ["daemon", .integer(now + 33_000), .integer(now), "op-2", 8]
        Self.expectCheap(
            try Self.plan(
                probe,
                """
                SELECT id FROM wins
                WHERE state = 'pending' AND operator = ?4 AND next_attempt_at <= ?3
                ORDER BY next_attempt_at LIMIT ?5
                """, claimArguments), index: "wins_due")
        Self.expectCheap(
            try Self.plan(
                probe,
                """
                UPDATE wins SET state = 'sending', lease_owner = ?1, lease_expires_at = ?2, updated_at = ?3
                WHERE id IN (
                    SELECT id FROM wins
                    WHERE state = 'pending' AND operator = ?4 AND next_attempt_at <= ?3
                    ORDER BY next_attempt_at LIMIT ?5)
                  AND NOT EXISTS (SELECT 1 FROM operators WHERE name = ?4 AND paused = 1)
                RETURNING id
                """, claimArguments), index: "wins_due")
        // Outbox.nextDueTime, Outbox.nextClaimTime and the status snapshot's per-operator minima.
        Self.expectCheap(
            try Self.plan(
                probe,
                "SELECT min(next_attempt_at) FROM wins WHERE state = 'pending' AND operator = ?", ["op-2"]), index: "wins_due")
        Self.expectCheap(
            try Self.plan(
                probe,
                """
                SELECT min(next_attempt_at) FROM wins WHERE state = 'pending' AND operator = ?1
                  AND NOT EXISTS (SELECT 1 FROM operators WHERE name = ?1 AND paused = 1)
                """, ["op-2"]), index: "wins_due")
        Self.expectCheap(
            try Self.plan(
                probe,
                "SELECT min(created_at) FROM wins WHERE state = 'pending' AND operator = ?", ["op-2"]), index: "wins_pending")
        // Housekeeping every 500 ms: max age and lease recovery.
        Self.expectCheap(
            try Self.plan(
                probe,
                """
                UPDATE wins SET state = 'failed', last_error = ?1, updated_at = ?2
                WHERE state = 'pending' AND operator = ?3 AND created_at < ?4 AND coalesce(retried_at, 0) < ?4
                RETURNING reference
                """, ["reason", .integer(now), "op-2", .integer(now - 3_600_000)]), index: "wins_pending")
        Self.expectCheap(
            try Self.plan(
                probe,
                """
                UPDATE wins SET state = 'pending', next_attempt_at = ?1, updated_at = ?1,
                    last_error = 'lease of ' || lease_owner || ' expired; sending again',
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE state = 'sending' AND lease_expires_at < ?1 RETURNING reference
                """, [.integer(now)]), index: "wins_leased")
        Self.expectCheap(
            try Self.plan(
                probe,
                "SELECT DISTINCT lease_owner FROM wins WHERE state = 'sending'", []),
            index: "wins_leased", sortsFewRows: true)

        // Status counts come from the trigger-kept table, not from wins.
        let counts = try Self.plan(
            probe, "SELECT operator, state, count FROM win_counts WHERE count > 0 ORDER BY operator, state", [])
        #expect(!counts.contains { $0.contains(" wins ") || $0.hasSuffix(" wins") }, "\(counts)")
        #expect(!counts.contains { $0.contains("TEMP B-TREE") }, "\(counts)")
        let snapshot = try Outbox(path: probe.path).statusSnapshot(now: now)
        #expect(snapshot.count(.pending, operator: "op-2") == Self.rows / 20)
        #expect(snapshot.total(.delivered) == (try probe.count(.delivered)))

        // And the claim itself takes the oldest due wins of the one operator.
        let outbox = try Outbox(path: probe.path)
        let claimed = try outbox.claim(operator: "op-2", limit: 8, owner: "daemon", leaseExpiresAt: now + 33_000, now: now)
        #expect(claimed.map(\.reference) == [10, 30, 50, 70, 90, 110, 130, 150].map { "ref-\($0)" })
        #expect(claimed.allSatisfy { $0.state == .sending && $0.leaseOwner == "daemon" })
    }

    /// Each state is searched in the partial index that holds it, with the
    /// state a bound parameter as `list`, `retry` and the duplicate-window
    /// count pass it.
    @Test func queriesByStateUseThePartialIndexOfThatState() throws {
        let directory = TemporaryDirectory()
        let probe = OutboxProbe(try Self.bigOutbox(in: directory))
        let now: Int64 = 1_700_000_100_000
        for state in ["delivered", "failed"] {
            // Outbox.countAttempted, verbatim.
            Self.expectCheap(
                try Self.plan(
                    probe,
                    """
                    SELECT count(*) FROM wins
                    WHERE state = ? AND operator = ? AND created_at < ?
                      AND EXISTS (SELECT 1 FROM attempts a WHERE a.win_id = wins.id AND a.started_at < ? AND a.daemon <> ?)
                    """, [.text(state), "op-1", .integer(now), .integer(now), "reconcile"]), index: "wins_finished")
            // Outbox.retryAll's selection.
            Self.expectCheap(
                try Self.plan(
                    probe,
                    "SELECT reference FROM wins WHERE operator = ?1 AND state = ?2", ["op-1", .text(state)]),
                index: "wins_finished")
        }
        Self.expectCheap(
            try Self.plan(
                probe,
                """
                SELECT count(*) FROM wins
                WHERE state = ? AND operator = ? AND created_at < ?
                  AND EXISTS (SELECT 1 FROM attempts a WHERE a.win_id = wins.id AND a.started_at < ? AND a.daemon <> ?)
                """, ["pending", "op-1", .integer(now), .integer(now), "reconcile"]), index: "wins_pending")
        // `list --state`, newest first: the state's entries, then a sort of those alone.
        for (state, index) in [("pending", "wins_pending"), ("sending", "wins_leased"), ("cancelled", "wins_finished")] {
            Self.expectCheap(
                try Self.plan(
                    probe,
                    "SELECT id FROM wins WHERE state = ? ORDER BY id DESC LIMIT 50", [.text(state)]), index: index,
                sortsFewRows: true)
        }
        // Retention (Outbox.countDelivered): the due range of delivery times, not every delivered win.
        Self.expectCheap(
            try Self.plan(
                probe,
                "SELECT count(*) FROM wins INDEXED BY wins_delivered WHERE state = 'delivered' AND delivered_at < ?",
                [.integer(now - 86_400_000)]), index: "wins_delivered")
        // Reconciliation's unreported deliveries of one enqueue window.
        Self.expectCheap(
            try Self.plan(
                probe,
                """
                SELECT id FROM wins WHERE state = 'delivered' AND operator = ? AND created_at >= ? AND created_at < ?
                ORDER BY created_at, id
                """, ["op-1", .integer(now - 86_400_000), .integer(now)]), index: "wins_finished")
    }
}

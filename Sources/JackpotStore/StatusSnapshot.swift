/// What `status` and the metrics report, read cheaply: counts come from the
/// trigger-maintained `win_counts` table, ages and due times from indexes.
package struct StatusSnapshot: Sendable {
    package struct Count: Sendable, Hashable {
        package var operatorName: String
        package var state: WinState
        package var count: Int

        package init(operatorName: String, state: WinState, count: Int) {
            self.operatorName = operatorName
            self.state = state
            self.count = count
        }
    }

    package var counts: [Count]
    /// created_at of each operator's oldest pending win.
    package var oldestPendingCreatedAt: [String: Int64]
    /// Each operator's earliest next attempt among pending wins.
    package var nextAttemptAt: [String: Int64]
    package var operators: [String: OperatorRuntimeState]
    package var deliveredLastMinute: [String: Int]
    package var deliveredLastHour: [String: Int]
    /// Wins a repeat delivery confirmed under another transactionId (the first is kept): to reconcile.
    package var transactionIdMismatches: Int = 0

    package func total(_ state: WinState) -> Int {
        counts.filter { $0.state == state }.reduce(0) { $0 + $1.count }
    }

    package func count(_ state: WinState, operator name: String) -> Int {
        counts.first { $0.state == state && $0.operatorName == name }?.count ?? 0
    }

    /// Each operator's counts by state (states without wins left out): one
    /// lookup per operator for callers that go through thousands of them, where
    /// `count(_:operator:)` searches every count each time.
    package func countsByOperator() -> [String: [WinState: Int]] {
        var table: [String: [WinState: Int]] = [:]
        for count in counts { table[count.operatorName, default: [:]][count.state, default: 0] += count.count }
        return table
    }

    /// Operators not in `configured` that have pending wins: nothing sends those.
    package func unconfiguredPending(configured: some Sequence<String>) -> [(operatorName: String, count: Int)] {
        let known = Set(configured)
        return counts.filter { $0.state == .pending && $0.count > 0 && !known.contains($0.operatorName) }
            .map { ($0.operatorName, $0.count) }.sorted { $0.operatorName < $1.operatorName }
    }

    /// Every operator that has wins or a runtime row, sorted.
    package var operatorNames: [String] {
        Set(counts.map(\.operatorName)).union(operators.keys).sorted()
    }
}

extension Outbox {
    /// `status`'s view of the outbox. The daemon's metrics, read on the
    /// dispatcher's connection between its claims and records, leave out
    /// (`deliveryPace: false`) what they do not show: each operator's next due
    /// time and the wins delivered in the last minute and hour. The last hour's
    /// count reads every row delivered in it: 200 000 wins into a backlog's
    /// drain, up to 1.2 s every 5 s during which no claim or record ran.
    package func statusSnapshot(now: Int64, deliveryPace: Bool = true) throws -> StatusSnapshot {
        let counts = try database.query("SELECT operator, state, count FROM win_counts WHERE count > 0 ORDER BY operator, state")
            .compactMap { row -> StatusSnapshot.Count? in
                guard let state = WinState(rawValue: row.string("state") ?? "") else { return nil }
                return StatusSnapshot.Count(
                    operatorName: row.string("operator") ?? "", state: state, count: row.int("count") ?? 0)
            }
        let operators = try operatorStates()
        var oldest: [String: Int64] = [:]
        var next: [String: Int64] = [:]
        var lastMinute: [String: Int] = [:]
        var lastHour: [String: Int] = [:]
        // Only operators with pending wins have an oldest one or a due time: an
        // aggregator's thousands of idle operators cost no query each.
        for name in Set(counts.filter { $0.state == .pending }.map(\.operatorName)) {
            oldest[name] = try database.queryScalar(
                "SELECT min(created_at) FROM wins WHERE state = 'pending' AND operator = ?", [.text(name)]
            ).integerValue
            if deliveryPace { next[name] = try nextDueTime(operator: name) }
        }
        // INDEXED BY: left to itself the planner walks wins_finished for its GROUP BY
        // order, i.e. every delivered win ever (60 ms at 200 000 rows), instead of
        // the last hour's entries in wins_delivered.
        let recent =
            deliveryPace
            ? try database.query(
                """
                SELECT operator, count(*) AS hour, sum(delivered_at >= ?) AS minute FROM wins INDEXED BY wins_delivered
                WHERE state = 'delivered' AND delivered_at >= ? GROUP BY operator
                """, [.integer(now - 60_000), .integer(now - 3_600_000)]) : []
        for row in recent {
            let name = row.string("operator") ?? ""
            lastHour[name] = row.int("hour") ?? 0
            lastMinute[name] = row.int("minute") ?? 0
        }
        let mismatches =
            try database.queryScalar(
                "SELECT count(*) FROM wins INDEXED BY wins_other_transaction_ids WHERE other_transaction_ids IS NOT NULL"
            ).integerValue ?? 0
        return StatusSnapshot(
            counts: counts, oldestPendingCreatedAt: oldest, nextAttemptAt: next, operators: operators,
            deliveredLastMinute: lastMinute, deliveredLastHour: lastHour, transactionIdMismatches: Int(mismatches))
    }
}

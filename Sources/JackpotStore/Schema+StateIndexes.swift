extension Schema {
    /// v4 → v5: the index by state split into one partial index per group of
    /// states, so that a win moving from one group to the next changes one
    /// index entry, not two.
    ///
    /// `wins_state (state, operator, created_at)` held every win, so each win's
    /// claim and record moved its entry twice (`pending` → `sending` →
    /// `delivered`): about 3 µs of the 73 µs the two statements cost per win in
    /// a SQLite-only replay of the two statements. Now a claim moves it from
    /// `wins_pending` to `wins_leased`, which it changed anyway, and the record
    /// from there to `wins_finished`. Each index leads with `state`, so every
    /// query by state (`list --state`, `status`, `retry`, reconcile) searches
    /// the one that holds that state, as it searched `wins_state`.
    ///
    /// The finished predicate is written with `OR`, not `IN`: SQLite uses a
    /// partial index when the query's `state = …` matches one of its terms, and
    /// an `IN` list is not matched that way.
    static let stateIndexes = """
        DROP INDEX wins_state;
        DROP INDEX wins_leased;
        -- The oldest pending win per operator (status), max age, list of pending wins.
        CREATE INDEX wins_pending ON wins (state, operator, created_at) WHERE state = 'pending';
        -- Lease recovery after a daemon died; the leased rows by owner.
        CREATE INDEX wins_leased ON wins (state, lease_expires_at) WHERE state = 'sending';
        -- list/export, retry and reconcile of finished wins by state and operator.
        CREATE INDEX wins_finished ON wins (state, operator, created_at)
            WHERE state = 'delivered' OR state = 'failed' OR state = 'cancelled';
        """
}

extension Schema {
    /// v8 → v9: the CHECKs on `wins.state` and `attempts.outcome` written as
    /// comparisons joined by `OR` instead of an `IN` list. They accept exactly
    /// the same values; what changes is their cost. SQLite 3.40 evaluates an
    /// `IN` list of three or more constants inside a CHECK by creating and
    /// filling a temporary index of the list for every row a statement writes
    /// (`OpenEphemeral` in `EXPLAIN`): in a replay of the dispatcher's claim and
    /// record (callgrind, SQLite's own instructions), 149 000 of them per
    /// delivered win before, 114 000 after.
    ///
    /// SQLite cannot alter a CHECK, and rebuilding `wins` would copy every row
    /// and index of a large outbox. The two table definitions are edited in
    /// place instead, the way SQLite documents for a change that leaves every
    /// stored row valid and the file's format as it was
    /// (https://sqlite.org/lang_altertable.html#otheralter): same columns in the
    /// same order, same indexes, a CHECK that accepts the same values. `RESET`
    /// makes this connection read the new definitions; `migrate` moves the
    /// schema version so that other connections read them too.
    package static let stateChecks = """
        PRAGMA writable_schema = ON;
        UPDATE sqlite_schema SET sql = replace(sql,
            'CHECK (state IN (''pending'', ''sending'', ''delivered'', ''failed'', ''cancelled''))',
            'CHECK (state = ''pending'' OR state = ''sending'' OR state = ''delivered'' OR state = ''failed'' OR state = ''cancelled'')')
        WHERE type = 'table' AND name = 'wins';
        UPDATE sqlite_schema SET sql = replace(sql,
            'CHECK (outcome IN (''delivered'', ''retry'', ''failed''))',
            'CHECK (outcome = ''delivered'' OR outcome = ''retry'' OR outcome = ''failed'')')
        WHERE type = 'table' AND name = 'attempts';
        PRAGMA writable_schema = RESET;
        """
}

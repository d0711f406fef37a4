extension Schema {
    /// v8 → v9: the `CHECK` on `wins.state` written as a chain of `=` joined by
    /// `OR` instead of `IN (…)`, the same rule.
    ///
    /// For an `IN` list of more than two constants SQLite 3.40 builds a
    /// temporary index of the list (`OpenEphemeral` in `EXPLAIN`) each time the
    /// statement runs, so every single-row `INSERT` built and filled one:
    /// about 33 000 of the 117 000 instructions a win's insert cost (callgrind,
    /// 6 400 inserts of 23 a transaction, the statement reset after each). The
    /// chain of `=` is evaluated in place.
    ///
    /// SQLite cannot alter a `CHECK`, and rebuilding `wins` would copy every
    /// row of a large outbox inside the migration. This uses SQLite's own
    /// procedure for a change that leaves the stored rows as they are
    /// (https://www.sqlite.org/lang_altertable.html#otheralter): edit the
    /// table's text in `sqlite_schema`, then reload it (`writable_schema =
    /// RESET`). `Schema.migrate` then raises the schema version, so other
    /// connections reload it as well. Every stored row already satisfies the
    /// rule, since it is the same rule: instant at any size.
    ///
    /// One self-contained step: renumbering it means moving one line in `migrations`.
    package static let stateCheck = """
        PRAGMA writable_schema = ON;
        UPDATE sqlite_schema SET sql = replace(sql,
            'CHECK (state IN (''pending'', ''sending'', ''delivered'', ''failed'', ''cancelled''))',
            'CHECK (state = ''pending'' OR state = ''sending'' OR state = ''delivered'' OR state = ''failed'' OR state = ''cancelled'')')
        WHERE type = 'table' AND name = 'wins';
        PRAGMA writable_schema = RESET;
        """

    /// Migrations that edit `sqlite_schema` themselves, after which the schema
    /// version must be raised by hand (DDL raises it by itself).
    static let editsSchemaText: Set<String> = [stateCheck]
}

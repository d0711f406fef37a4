extension Schema {
    /// v8 → v9: the same rules for a new win, cheaper to apply on every insert.
    ///
    /// - The `CHECK` on `wins.state` is written as a chain of `=` joined by
    ///   `OR` instead of `IN (…)`. For an `IN` list of more than two constants
    ///   SQLite 3.40 builds a temporary index of the list (`OpenEphemeral` in
    ///   `EXPLAIN`) each time the statement runs, so every single-row `INSERT`
    ///   built and filled one: about 33 000 of the 117 000 instructions of a win's insert
    ///   (callgrind, 6 400 inserts of 23 a transaction, the statement reset
    ///   after each). The chain of `=` is evaluated in place. SQLite cannot
    ///   alter a `CHECK`, and rebuilding `wins` would copy every row of a large
    ///   outbox, so the table's text in `sqlite_schema` is edited with SQLite's
    ///   own procedure for a change that leaves the stored rows as they are
    ///   (https://www.sqlite.org/lang_altertable.html#otheralter): every row
    ///   already satisfies the rule, since it is the same rule. The schema is
    ///   reloaded (`writable_schema = RESET`), and the statements after it
    ///   raise the schema version, so other connections reload it too.
    /// - `wins_purged_reference` parks a purged reference's row through the
    ///   small table `purged_reference_inserts` instead of updating `wins`
    ///   itself. SQLite sets up an `AFTER INSERT` trigger's registers on every
    ///   insert, before its `WHEN`: with an `UPDATE` of `wins` in its body that
    ///   was about 11 000 instructions per win, for a trigger that almost never
    ///   fires. Now its body is a two-column insert, and the `UPDATE` lives in
    ///   a trigger of that table, set up only when a row is parked. The row in
    ///   `purged_reference_inserts` is deleted as soon as the win is parked.
    ///
    /// Instant at any size. One self-contained step: renumbering it means
    /// moving one line in `migrations`.
    package static let insertCost = """
        PRAGMA writable_schema = ON;
        UPDATE sqlite_schema SET sql = replace(sql,
            'CHECK (state IN (''pending'', ''sending'', ''delivered'', ''failed'', ''cancelled''))',
            'CHECK (state = ''pending'' OR state = ''sending'' OR state = ''delivered'' OR state = ''failed'' OR state = ''cancelled'')')
        WHERE type = 'table' AND name = 'wins';
        PRAGMA writable_schema = RESET;

        -- A purged reference's row on its way to being parked; empty between statements.
        CREATE TABLE purged_reference_inserts (
            win_id    INTEGER PRIMARY KEY,
            reference TEXT    NOT NULL
        ) STRICT;
        DROP TRIGGER wins_purged_reference;
        CREATE TRIGGER wins_purged_reference AFTER INSERT ON wins
        WHEN EXISTS (SELECT 1 FROM tombstones WHERE reference = NEW.reference) BEGIN
            INSERT INTO purged_reference_inserts (win_id, reference) VALUES (NEW.id, NEW.reference);
        END;
        CREATE TRIGGER purged_reference_inserts_park AFTER INSERT ON purged_reference_inserts BEGIN
            UPDATE wins SET state = 'failed', validated = 1, updated_at = \(nowMilliseconds),
                last_error = (
                    SELECT 'reference already delivered on '
                        || strftime('%Y-%m-%dT%H:%M:%fZ', delivered_at / 1000.0, 'unixepoch')
                        || ' (transactionId ' || transaction_id || '), purged on '
                        || strftime('%Y-%m-%dT%H:%M:%fZ', purged_at / 1000.0, 'unixepoch') || '; not sent again'
                    FROM tombstones WHERE reference = NEW.reference)
            WHERE id = NEW.win_id;
            DELETE FROM purged_reference_inserts WHERE win_id = NEW.win_id;
        END;
        """
}

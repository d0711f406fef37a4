extension Schema {
    /// v9 → v10: the parking of a purged reference's plain-SQL row, cheaper
    /// for every other insert.
    ///
    /// `wins_purged_reference` parks a purged reference's row through the
    /// small table `purged_reference_inserts` instead of updating `wins`
    /// itself. SQLite sets up an `AFTER INSERT` trigger's registers on every
    /// insert, before its `WHEN`: with an `UPDATE` of `wins` in its body that
    /// was about 11 000 instructions per win, for a trigger that almost never
    /// fires. Now its body is a two-column insert, and the `UPDATE` lives in
    /// a trigger of that table, set up only when a row is parked. The row in
    /// `purged_reference_inserts` is deleted as soon as the win is parked.
    ///
    /// The park first makes sure `win_counts` has the row's `pending` count:
    /// SQLite runs an insert's triggers in no promised order, and when the
    /// park ran before `wins_count_insert` for an operator with no such row,
    /// the `UPDATE`'s decrement found nothing and the count kept a win that
    /// was never pending.
    ///
    /// Instant at any size. One self-contained step: renumbering it means
    /// moving one line in `migrations`.
    package static let purgedReferenceInserts = """
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
            INSERT INTO win_counts (operator, state, count) SELECT operator, state, 0 FROM wins WHERE id = NEW.win_id
            ON CONFLICT (operator, state) DO NOTHING;
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

extension Schema {
    /// Money safety (schema version 3): what keeps a win from being paid twice or waiting unseen.
    ///
    /// - `validated`: each row is checked once by the daemon whatever its id (ids
    ///   are reused after a purge, so a high-water mark missed rows).
    /// - `finalized_at`: when a win became `failed` or `cancelled`, kept by a trigger
    ///   from the `updated_at` the change wrote, so every writer (plain SQL too) sets it.
    /// - `other_transaction_ids`: ids a repeat delivery reported that differ from the
    ///   stored one; the first is kept, the win is flagged for reconciliation.
    /// - `tombstones`: one small row per purged win, so a purged reference is
    ///   still known: enqueue reports it as a duplicate or a conflict, and a row
    ///   inserted by plain SQL for it is parked `failed` at once by a trigger.
    /// - `wins_reference_conflict`: a plain-SQL `INSERT … ON CONFLICT DO NOTHING`
    ///   of a reference stored with different content fails instead of vanishing.
    ///   (RAISE takes a literal only, so the message cannot name the reference.)
    static let moneySafety = """
        ALTER TABLE wins ADD COLUMN validated INTEGER NOT NULL DEFAULT 0 CHECK (validated IN (0, 1));
        ALTER TABLE wins ADD COLUMN finalized_at INTEGER;
        ALTER TABLE wins ADD COLUMN other_transaction_ids TEXT;
        -- Only pending rows are ever sent; the rest need no check.
        UPDATE wins SET validated = 1 WHERE state <> 'pending';
        UPDATE wins SET finalized_at = coalesce(cancelled_at, updated_at) WHERE state IN ('failed', 'cancelled');
        DELETE FROM meta WHERE key = 'validated_through';
        CREATE INDEX wins_unvalidated ON wins (id) WHERE validated = 0;
        CREATE INDEX wins_other_transaction_ids ON wins (id) WHERE other_transaction_ids IS NOT NULL;

        -- Only changes into or out of failed/cancelled: claims and deliveries pay nothing for it.
        CREATE TRIGGER wins_finalized AFTER UPDATE OF state ON wins
        WHEN OLD.state IS NOT NEW.state
            AND (NEW.state IN ('failed', 'cancelled') OR OLD.state IN ('failed', 'cancelled')) BEGIN
            UPDATE wins SET finalized_at = CASE WHEN NEW.state IN ('failed', 'cancelled') THEN NEW.updated_at END
            WHERE id = NEW.id;
        END;

        CREATE TABLE tombstones (
            reference      TEXT    PRIMARY KEY,
            operator       TEXT    NOT NULL,
            -- MD5 of the win's content (TombstoneDigest), to tell a duplicate from a conflict.
            content_digest BLOB    NOT NULL,
            transaction_id TEXT    NOT NULL,
            delivered_at   INTEGER NOT NULL,
            purged_at      INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;

        CREATE TRIGGER wins_purged_reference AFTER INSERT ON wins
        WHEN EXISTS (SELECT 1 FROM tombstones WHERE reference = NEW.reference) BEGIN
            UPDATE wins SET state = 'failed', validated = 1, updated_at = \(nowMilliseconds),
                last_error = (
                    SELECT 'reference already delivered on '
                        || strftime('%Y-%m-%dT%H:%M:%fZ', delivered_at / 1000.0, 'unixepoch')
                        || ' (transactionId ' || transaction_id || '), purged on '
                        || strftime('%Y-%m-%dT%H:%M:%fZ', purged_at / 1000.0, 'unixepoch') || '; not sent again'
                    FROM tombstones WHERE reference = NEW.reference)
            WHERE id = NEW.id;
        END;

        CREATE TRIGGER wins_reference_conflict BEFORE INSERT ON wins
        WHEN EXISTS (
            SELECT 1 FROM wins WHERE reference = NEW.reference AND (
                operator IS NOT NEW.operator OR user_id IS NOT NEW.user_id OR game_id IS NOT NEW.game_id
                OR round_id IS NOT NEW.round_id OR amount IS NOT NEW.amount OR jackpot_id IS NOT NEW.jackpot_id
                OR coalesce(platform, '') IS NOT coalesce(NEW.platform, '')
                OR coalesce(token, '') IS NOT coalesce(NEW.token, '')
                OR coalesce(jackpot_details, '') IS NOT coalesce(NEW.jackpot_details, '')
                OR coalesce(extra, '') IS NOT coalesce(NEW.extra, '')))
        BEGIN
            SELECT RAISE(ABORT, 'jackpotd: conflict: this reference already exists with a different operator, userId, gameId, roundId, amount, jackpotId, platform, token, jackpotDetails or extra');
        END;
        """
}

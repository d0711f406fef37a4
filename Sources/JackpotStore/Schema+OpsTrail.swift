extension Schema {
    /// Ops trail and daemon heartbeats (schema version 4): every ops action with who,
    /// when and why, kept after the win moves on (a retry no longer erases a
    /// cancel's reason); and one row per running daemon, so `status` can tell
    /// a live lease holder from a vanished one. New tables only, so rows
    /// written by plain SQL are unaffected.
    ///
    /// One self-contained step: renumbering it means moving one line in `migrations`.
    package static let opsTrail = """
        -- One row per ops action. Keyed by reference, not win id: the trail of a
        -- purged win stays (purge itself is one row with the count in detail).
        CREATE TABLE ops_actions (
            id        INTEGER PRIMARY KEY,
            at        INTEGER NOT NULL,
            actor     TEXT    NOT NULL,
            action    TEXT    NOT NULL CHECK (action IN ('retry', 'cancel', 'pause', 'resume', 'purge')),
            reference TEXT,
            operator  TEXT,
            reason    TEXT,
            detail    TEXT
        ) STRICT;
        CREATE INDEX ops_actions_reference ON ops_actions (reference, id) WHERE reference IS NOT NULL;

        -- Written by each daemon's housekeeper every pass; removed on a clean stop.
        CREATE TABLE daemons (
            owner        TEXT    PRIMARY KEY,
            host         TEXT    NOT NULL,
            pid          INTEGER NOT NULL,
            started_at   INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL,
            interval_ms  INTEGER NOT NULL
        ) STRICT;
        """
}

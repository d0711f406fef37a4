extension Schema {
    /// The ops trail learns `takeover`: releasing the leases of a daemon on a
    /// host that is gone (a standby restored from a replica). SQLite cannot
    /// change a CHECK constraint in place, so the small table is rebuilt with
    /// the same rows and ids.
    ///
    /// One self-contained step: renumbering it means moving one line in `migrations`.
    package static let takeoverTrail = """
        CREATE TABLE ops_actions_new (
            id        INTEGER PRIMARY KEY,
            at        INTEGER NOT NULL,
            actor     TEXT    NOT NULL,
            action    TEXT    NOT NULL CHECK (action IN ('retry', 'cancel', 'pause', 'resume', 'purge', 'takeover')),
            reference TEXT,
            operator  TEXT,
            reason    TEXT,
            detail    TEXT
        ) STRICT;
        INSERT INTO ops_actions_new (id, at, actor, action, reference, operator, reason, detail)
            SELECT id, at, actor, action, reference, operator, reason, detail FROM ops_actions;
        DROP TABLE ops_actions;
        ALTER TABLE ops_actions_new RENAME TO ops_actions;
        CREATE INDEX ops_actions_reference ON ops_actions (reference, id) WHERE reference IS NOT NULL;
        """
}

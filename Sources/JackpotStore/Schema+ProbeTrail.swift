extension Schema {
    /// The ops trail also records `jackpotd probe`'s calls (action
    /// `probe`): each is a real JackPotWin call to an operator that may credit a
    /// player, so it belongs beside retries and cancels, with its reference and
    /// what the wallet answered. The CHECK on `action` cannot be altered in
    /// place, so the table is rebuilt; its rows and ids are kept.
    ///
    /// One self-contained step: renumbering it means moving one line in `migrations`.
    package static let probeTrail = """
        CREATE TABLE ops_actions_new (
            id        INTEGER PRIMARY KEY,
            at        INTEGER NOT NULL,
            actor     TEXT    NOT NULL,
            action    TEXT    NOT NULL CHECK (action IN ('retry', 'cancel', 'pause', 'resume', 'purge', 'takeover', 'probe')),
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

/// The outbox schema and its migrations, versioned with `PRAGMA user_version`.
///
/// The `wins` table is a package interface: the game platform may insert into it
/// with plain SQL inside its own transaction (docs/platform.md, "The outbox table"). So
/// every column a platform must fill has a name from the wire contract, and
/// everything else has a default.
package enum Schema {
    /// Current time in epoch milliseconds, as an SQL expression usable in DEFAULT.
    /// (`unixepoch('subsec')` needs SQLite 3.42; Debian 12 ships 3.40.)
    static let nowMilliseconds = "(CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))"

    /// Each entry moves the schema from version `index` to `index + 1`.
    package static let migrations: [String] = [
        """
        CREATE TABLE wins (
            id               INTEGER PRIMARY KEY,
            reference        TEXT    NOT NULL UNIQUE,
            operator         TEXT    NOT NULL,
            user_id          TEXT    NOT NULL,
            game_id          TEXT    NOT NULL,
            round_id         TEXT    NOT NULL,
            amount           TEXT    NOT NULL,
            jackpot_id       TEXT    NOT NULL,
            timestamp        TEXT    NOT NULL DEFAULT (CAST(\(nowMilliseconds) AS TEXT)),
            platform         TEXT,
            token            TEXT,
            state            TEXT    NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'cancelled')),
            attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at  INTEGER NOT NULL DEFAULT \(nowMilliseconds),
            created_at       INTEGER NOT NULL DEFAULT \(nowMilliseconds),
            updated_at       INTEGER NOT NULL DEFAULT \(nowMilliseconds),
            lease_owner      TEXT,
            lease_expires_at INTEGER,
            last_error       TEXT,
            transaction_id   TEXT,
            currency         TEXT,
            cash             TEXT,
            bonus            TEXT,
            delivered_at     INTEGER,
            cancel_reason    TEXT,
            cancelled_at     INTEGER,
            -- When ops last retried the win: its max age counts from here, so a win
            -- parked after an outage is not parked again before it is sent.
            retried_at       INTEGER,
            CHECK (state <> 'sending' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)),
            CHECK (state <> 'delivered' OR transaction_id IS NOT NULL)
        ) STRICT;

        -- The claim: due pending wins of one operator, oldest due first.
        CREATE INDEX wins_due ON wins (operator, next_attempt_at) WHERE state = 'pending';
        -- Lease recovery after a daemon died.
        CREATE INDEX wins_leased ON wins (lease_expires_at) WHERE state = 'sending';
        -- list/export by state and operator; oldest pending per operator.
        CREATE INDEX wins_state ON wins (state, operator, created_at);
        -- Retention and delivery-rate queries.
        CREATE INDEX wins_delivered ON wins (delivered_at) WHERE state = 'delivered';

        CREATE TABLE attempts (
            id            INTEGER PRIMARY KEY,
            win_id        INTEGER NOT NULL REFERENCES wins (id) ON DELETE CASCADE,
            attempt       INTEGER NOT NULL,
            started_at    INTEGER NOT NULL,
            duration_ms   REAL    NOT NULL,
            http_status   INTEGER,
            error_code    INTEGER,
            outcome       TEXT    NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')),
            detail        TEXT    NOT NULL,
            response_head TEXT,
            daemon        TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX attempts_win ON attempts (win_id, attempt);

        -- Runtime state per operator, shared by the CLI (pause/resume) and the daemon (circuit).
        CREATE TABLE operators (
            name                 TEXT    PRIMARY KEY,
            paused               INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
            pause_reason         TEXT,
            paused_at            INTEGER,
            circuit_state        TEXT    NOT NULL DEFAULT 'closed'
                                 CHECK (circuit_state IN ('closed', 'open', 'half-open')),
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            circuit_open_until   INTEGER,
            circuit_cooldown     REAL    NOT NULL DEFAULT 0,
            updated_at           INTEGER NOT NULL DEFAULT \(nowMilliseconds)
        ) STRICT;

        -- Counts per operator and state, kept by triggers so `status` stays
        -- instant on a million-row outbox.
        CREATE TABLE win_counts (
            operator TEXT    NOT NULL,
            state    TEXT    NOT NULL,
            count    INTEGER NOT NULL,
            PRIMARY KEY (operator, state)
        ) STRICT, WITHOUT ROWID;

        CREATE TRIGGER wins_count_insert AFTER INSERT ON wins BEGIN
            INSERT INTO win_counts (operator, state, count) VALUES (NEW.operator, NEW.state, 1)
            ON CONFLICT (operator, state) DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER wins_count_delete AFTER DELETE ON wins BEGIN
            UPDATE win_counts SET count = count - 1 WHERE operator = OLD.operator AND state = OLD.state;
        END;
        CREATE TRIGGER wins_count_update AFTER UPDATE OF state, operator ON wins
        WHEN OLD.state IS NOT NEW.state OR OLD.operator IS NOT NEW.operator BEGIN
            UPDATE win_counts SET count = count - 1 WHERE operator = OLD.operator AND state = OLD.state;
            INSERT INTO win_counts (operator, state, count) VALUES (NEW.operator, NEW.state, 1)
            ON CONFLICT (operator, state) DO UPDATE SET count = count + 1;
        END;

        -- Small key/value facts, e.g. how far the daemon has validated rows inserted by plain SQL.
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;
        """,
        walletDialects,
        moneySafety,
        opsTrail,
        stateIndexes,
        takeoverTrail,
        operatorControls,
        probeTrail,
        stateChecks,
        purgedReferenceInserts,
    ]

    package static var currentVersion: Int { migrations.count }

    /// Brings `database` to the current version. Safe to call from every process
    /// on every open: the version check and the migration run in one write transaction.
    static func migrate(_ database: Database) throws {
        if try database.userVersion() == currentVersion { return }
        try database.transaction {
            let version = try database.userVersion()
            guard version <= currentVersion else {
                throw DatabaseError(
                    code: 1, extendedCode: 1,
                    message:
                        "database \(database.path) has schema version \(version), newer than this jackpotd (\(currentVersion)); upgrade jackpotd",
                    sql: nil)
            }
            for migration in migrations[version...] {
                try database.executeScript(migration)
            }
            // A step that edits a definition in place (`stateChecks`) does not move
            // the schema version as DDL does; moved here, other connections read
            // the new definitions at their next statement.
            let schemaVersion = try database.queryScalar("PRAGMA schema_version", cached: false).integerValue ?? 0
            try database.execute("PRAGMA schema_version = \(schemaVersion + 1)", cached: false)
            try database.setUserVersion(currentVersion)
        }
    }
}

/// One daemon's row in `daemons`: written by its housekeeper every pass, so
/// `status` can tell whether the holder of a lease is still alive.
package struct DaemonHeartbeat: Sendable, Hashable {
    /// The lease owner it writes on the wins it sends (`host:pid:nonce`).
    package var owner: String
    package var host: String
    package var pid: Int32
    package var startedAt: Int64
    package var lastSeenAt: Int64
    /// How often `lastSeenAt` should move (its housekeeping interval, at least 2 s).
    package var intervalMilliseconds: Int64

    package init(owner: String, host: String, pid: Int32, startedAt: Int64, lastSeenAt: Int64, intervalMilliseconds: Int64) {
        self.owner = owner
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.lastSeenAt = lastSeenAt
        self.intervalMilliseconds = intervalMilliseconds
    }

    /// Not seen for this long, a daemon is taken for gone: five missed beats,
    /// and never under 15 s, so a busy machine's slow pass is not a death.
    package var silenceLimitMilliseconds: Int64 { max(15_000, 5 * intervalMilliseconds) }

    init(row: Row) {
        owner = row.string("owner") ?? ""
        host = row.string("host") ?? ""
        pid = Int32(row.int64("pid") ?? 0)
        startedAt = row.int64("started_at") ?? 0
        lastSeenAt = row.int64("last_seen_at") ?? 0
        intervalMilliseconds = row.int64("interval_ms") ?? 0
    }
}

extension Outbox {
    /// Upserts `heartbeat`. Not fsynced: a heartbeat lost in a power cut only
    /// makes the daemon look older for one beat.
    package func recordHeartbeat(_ heartbeat: DaemonHeartbeat) throws {
        try database.transactionWithoutSync {
            try database.execute(
                """
                INSERT INTO daemons (owner, host, pid, started_at, last_seen_at, interval_ms) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (owner) DO UPDATE SET last_seen_at = excluded.last_seen_at, interval_ms = excluded.interval_ms
                """,
                [
                    .text(heartbeat.owner), .text(heartbeat.host), .integer(Int64(heartbeat.pid)), .integer(heartbeat.startedAt),
                    .integer(heartbeat.lastSeenAt), .integer(heartbeat.intervalMilliseconds),
                ])
        }
    }

    /// Drops daemons silent since `time` (a daemon does this at start, with a
    /// week ago), so a long-gone daemon on another host stops being listed.
    package func pruneHeartbeats(silentSince time: Int64) throws {
        try database.execute("DELETE FROM daemons WHERE last_seen_at < ?", [.integer(time)])
    }

    /// A daemon that stopped cleanly is no longer listed.
    package func removeHeartbeat(owner: String) throws {
        try database.execute("DELETE FROM daemons WHERE owner = ?", [.text(owner)])
    }

    package func heartbeats() throws -> [DaemonHeartbeat] {
        try database.query("SELECT * FROM daemons ORDER BY started_at, owner").map(DaemonHeartbeat.init(row:))
    }

    /// Wins in `sending`, by lease owner: `status` flags those held by a vanished daemon.
    package func sendingByOwner() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try database.query(
            "SELECT lease_owner, count(*) AS n FROM wins WHERE state = 'sending' GROUP BY lease_owner")
        {
            counts[row.string("lease_owner") ?? "?"] = row.int("n") ?? 0
        }
        return counts
    }
}

import JackpotStore

/// Fills a fresh outbox with `rows` wins in one SQL statement and one
/// transaction, shaped like a busy outbox under 30 days of retention:
/// created over the last 30 days; the oldest 95 % delivered (1 % failed);
/// the newest 5 % (about a day and a half) half pending, half delivered.
/// Pending wins are due an hour from now or later, in the order they were
/// enqueued, like a backlog; so a daemon started on it is idle, and a claim
/// with a later `now` finds them due. Three operators share the rows
/// 50/30/20. The attempt log is left empty.
enum OutboxBuilder {
    static let operators = ["casino-a", "casino-b", "casino-c"]

    static func build(path: String, rows: Int, now: Int64) throws {
        let outbox = try Outbox(path: path)
        let database = outbox.database
        // One big transaction on a new file: a rollback journal keeps it out of
        // a WAL as large as the database; the file is switched back to WAL after.
        try database.execute("PRAGMA journal_mode=DELETE")
        try database.execute("PRAGMA cache_size=-262144")
        let day: Int64 = 86_400_000
        let start = now - 30 * day
        let step = 30 * day / Int64(rows)
        let recent = rows - rows / 20
        try database.transaction {
            try database.execute(
                """
                WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1),
                shaped AS (
                    SELECT i, ?2 + i * ?3 AS created,
                        CASE WHEN i >= ?4 AND i % 2 = 0 THEN 'pending'
                             WHEN i < ?4 AND i % 100 = 0 THEN 'failed'
                             ELSE 'delivered' END AS state,
                        printf('%d.%02d', 1 + i % 5000, 1 + i % 99) AS amount
                    FROM seq)
                INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp,
                                  platform, token, state, attempts, next_attempt_at, created_at, updated_at,
                                  last_error, transaction_id, currency, cash, bonus, delivered_at)
                SELECT lower(hex(randomblob(12))),
                    CASE WHEN i % 10 < 5 THEN 'casino-a' WHEN i % 10 < 8 THEN 'casino-b' ELSE 'casino-c' END,
                    CAST(1000 + i % 977 AS TEXT), 'Im_60_tumblefortune', CAST(5103188801 + i AS TEXT), amount,
                    CAST(568 + i % 3 AS TEXT), CAST(created AS TEXT),
                    CASE WHEN i % 2 = 0 THEN 'desktop' ELSE 'mobile' END, 'tok-' || i, state,
                    CASE state WHEN 'pending' THEN i % 3 WHEN 'failed' THEN 8 ELSE 1 END,
                    CASE state WHEN 'pending' THEN ?5 + 3600000 + (i - ?4) * 10 ELSE created END,
                    created, created + 1500,
                    CASE WHEN state = 'failed' OR (state = 'pending' AND i % 3 > 0) THEN 'HTTP 503' END,
                    CASE state WHEN 'delivered' THEN 'tx-' || i END,
                    CASE state WHEN 'delivered' THEN 'EUR' END,
                    CASE state WHEN 'delivered' THEN amount END,
                    CASE state WHEN 'delivered' THEN '0' END,
                    CASE state WHEN 'delivered' THEN created + 1500 END
                FROM shaped
                """,
                [.integer(Int64(rows)), .integer(start), .integer(step), .integer(Int64(recent)), .integer(now)])
        }
        try database.execute("PRAGMA journal_mode=WAL")
    }

    /// Reorders the pending wins' due times pseudo-randomly (still an hour or more
    /// ahead): after retries the next due wins lie anywhere in the table, and each
    /// claimed win dirties pages of its own.
    static func scatterDueTimes(path: String, now: Int64) throws {
        let database = try Outbox(path: path).database
        try database.transaction {
            try database.execute(
                "UPDATE wins SET next_attempt_at = ?1 + 3600000 + (id * 7919) % 100003 * 10 WHERE state = 'pending'",
                [.integer(now)])
        }
    }
}

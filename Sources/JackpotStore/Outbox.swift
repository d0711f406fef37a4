/// The durable outbox: a SQLite file holding wins, their attempt log and the
/// operators' runtime state. One `Outbox` is one connection; it is not shared
/// across tasks (the daemon owns one, each CLI command opens its own).
public final class Outbox {
    package let database: Database

    /// Opens (creating if needed) the outbox at `path` and migrates it.
    public convenience init(path: String, busyTimeoutMilliseconds: Int = 5000) throws {
        try self.init(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, checkpoints: .sqlite)
    }

    /// As above; with `.litestream` this connection leaves checkpoints to Litestream.
    package init(path: String, busyTimeoutMilliseconds: Int = 5000, checkpoints: CheckpointOwner) throws {
        var options = Database.Options()
        options.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        options.checkpoints = checkpoints
        database = try Database(path: path, options: options)
        try Schema.migrate(database)
    }

    public var path: String { database.path }

    /// One win by reference, or nil.
    package func win(reference: String) throws -> StoredWin? {
        try database.queryRow("SELECT \(StoredWin.columns) FROM wins WHERE reference = ?", [.text(reference)])
            .map(StoredWin.init(row:))
    }

    /// The attempt log of one win, oldest first.
    package func attempts(winId: Int64) throws -> [AttemptRecord] {
        try database.query("SELECT * FROM attempts WHERE win_id = ? ORDER BY attempt, id", [.integer(winId)])
            .map(AttemptRecord.init(row:))
    }

    /// A consistent copy of the live database (SQLite's online backup API).
    package func backup(to destination: String) throws {
        try database.backup(to: destination)
    }
}

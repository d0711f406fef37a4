#if canImport(Glibc)
import Glibc
#endif
/// The durable outbox: a SQLite file holding wins, their attempt log and the
/// operators' runtime state. One `Outbox` is one connection; it is not shared
/// across tasks (the daemon owns one, each CLI command opens its own).
public final class Outbox {
    package let database: Database

    private init(opened database: Database) {
        self.database = database
    }

    /// Opens the outbox at `path` and migrates it to this version's schema.
    ///
    /// With `createIfMissing`, a missing file is created as an empty outbox
    /// (readable by its owner only). Without it, a missing file is `.notFound`:
    /// a mistyped path must not start a second outbox that no daemon reads. A
    /// file that is not an outbox (not SQLite, or a database of other tables)
    /// is `.notAnOutbox` either way, and is left as it was.
    public convenience init(path: String, createIfMissing: Bool, busyTimeoutMilliseconds: Int = 5000) throws(OutboxError) {
        var options = Database.Options()
        options.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        options.createIfMissing = createIfMissing
        let database: Database
        do {
            if access(path, F_OK) == 0 {
                // Read-only first: opening read-write would switch someone else's database to WAL.
                var probe = options
                probe.readOnly = true
                try Self.requireOutbox(Database(path: path, options: probe), mayInitialise: createIfMissing)
            }
            database = try Database(path: path, options: options)
            try Schema.migrate(database)
        } catch let error as DatabaseError {
            let failure = OutboxError(error, path: path)
            guard failure.code == .notFound, !createIfMissing else { throw failure }
            throw OutboxError(
                code: .notFound, path: path, sqliteCode: failure.sqliteCode,
                message: "no outbox at \(path) (pass createIfMissing: true to create one)")
        } catch let error as OutboxError {
            throw error
        } catch {
            throw OutboxError(code: .other, path: path, sqliteCode: 1, message: String(describing: error))
        }
        self.init(opened: database)
    }

    /// Opens (creating if needed) the outbox at `path` and migrates it. The CLI
    /// and the daemon check the path themselves first, with their own words;
    /// with `.litestream` this connection leaves checkpoints to Litestream.
    package convenience init(
        path: String, busyTimeoutMilliseconds: Int = 5000, checkpoints: CheckpointOwner = .sqlite
    ) throws {
        var options = Database.Options()
        options.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        options.checkpoints = checkpoints
        let database = try Database(path: path, options: options)
        try Schema.migrate(database)
        self.init(opened: database)
    }

    /// Throws `.notAnOutbox` or `.newerSchema` unless `database` is an outbox
    /// this version can migrate, or (when `mayInitialise`) an empty database.
    private static func requireOutbox(_ database: Database, mayInitialise: Bool) throws {
        let version = try database.userVersion()
        if version > Schema.currentVersion {
            throw OutboxError(
                code: .newerSchema, path: database.path, sqliteCode: 1,
                message:
                    "outbox \(database.path) has schema version \(version), newer than this library's (\(Schema.currentVersion)); upgrade jackpotd"
            )
        }
        guard version == 0 else { return }
        let objects = try database.queryScalar("SELECT count(*) FROM sqlite_master").integerValue ?? 0
        guard objects > 0 || !mayInitialise else { return }
        throw OutboxError(
            code: .notAnOutbox, path: database.path, sqliteCode: 26,
            message: objects > 0
                ? "\(database.path) is a SQLite database without an outbox in it"
                : "\(database.path) is an empty file, not an outbox (pass createIfMissing: true to make it one)")
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

import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// One SQLite connection.
///
/// Not `Sendable`: it is opened with SQLITE_OPEN_NOMUTEX, so it must be owned by
/// one actor (or one thread) at a time. Processes and tasks that need concurrent
/// access open their own connection; WAL lets readers and one writer proceed together.
package final class Database {
    package struct Options: Sendable {
        /// How long a call waits for another connection's lock before failing with `isBusy`.
        package var busyTimeoutMilliseconds: Int = 5000
        /// Opens with SQLITE_OPEN_READONLY and changes nothing (no file creation, no pragmas).
        package var readOnly = false
        /// With `.litestream`, this connection never checkpoints (see `CheckpointOwner`).
        package var checkpoints = CheckpointOwner.sqlite
        /// Creates the file when it does not exist; without it a missing file fails
        /// with SQLITE_CANTOPEN. Ignored when `readOnly` (which never creates).
        package var createIfMissing = true

        package init() {}
    }

    package let path: String
    let handle: OpaquePointer
    /// The `-wal` file this connection writes, as it was when the connection opened
    /// it: see `requireWALInPlace()`. Nil until then, and for good on read-only and
    /// in-memory connections (`tracksWAL`).
    private var walFile: FileIdentity?
    /// False for read-only and in-memory connections, which write no log of their own.
    private let tracksWAL: Bool
    /// Keyed by SQL text. The outbox runs a fixed set of queries, so the cache stays small;
    /// SQL with interpolated values must not go through it (see `cached:` below).
    private var statementCache: [String: Statement] = [:]
    /// The cached statement acquired last, checked before `statementCache`: a
    /// batch runs the same insert once per win, and the same SQL text compares
    /// equal at once, where the dictionary hashes the whole text each time.
    private var lastStatement: Statement?

    /// Process-wide settings, applied before the first connection opens.
    /// Nothing here reads SQLite's memory statistics (`sqlite3_memory_used`).
    private static let processSettings: Void = {
        _ = jackpotd_sqlite3_config_memstatus(0)
    }()

    package init(path: String, options: Options = .init()) throws(DatabaseError) {
        _ = Self.processSettings
        self.path = path
        let isFile = path != ":memory:" && !path.isEmpty
        if isFile && !options.readOnly && options.createIfMissing {
            // SQLite would create the file with 0644 & ~umask; the outbox holds player ids
            // and tokens, so it is created private first. Its -wal and -shm files inherit the mode.
            _ = try Self.createPrivateFile(atPath: path)
        }
        let flags =
            SQLITE_OPEN_NOMUTEX
            | (options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE)
            | (options.createIfMissing && !options.readOnly ? SQLITE_OPEN_CREATE : 0)
        var opened: OpaquePointer?
        let resultCode = sqlite3_open_v2(path, &opened, flags, nil)
        guard resultCode == SQLITE_OK, let opened else {
            let error = DatabaseError(
                connection: opened, resultCode: resultCode, sql: nil, context: "cannot open database at \(path)")
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        tracksWAL = isFile && !options.readOnly
        // From here on a throw runs deinit, which closes the handle.
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(clamping: options.busyTimeoutMilliseconds))
        guard !options.readOnly else { return }
        do throws(DatabaseError) {
            // The first statements are also the first reads: "file is not a database"
            // surfaces here, so the path goes into every error message.
            let journalMode = try queryScalar("PRAGMA journal_mode=WAL", cached: false)
            let expected = isFile ? "wal" : "memory"
            guard case .text(let mode) = journalMode, mode.lowercased() == expected else {
                throw DatabaseError(
                    extendedCode: SQLITE_ERROR,
                    message:
                        "journal_mode=WAL was not applied (got \(journalMode)); WAL is required for concurrent readers and the writer",
                    sql: "PRAGMA journal_mode=WAL")
            }
            // FULL: a delivered win recorded as pending after a power cut would be paid twice.
            try execute("PRAGMA synchronous=FULL", cached: false)
            try execute("PRAGMA foreign_keys=ON", cached: false)
            if options.checkpoints == .litestream {
                try execute("PRAGMA wal_autocheckpoint=0", cached: false)
            }
        } catch {
            throw error.prefixed("cannot open database at \(path)")
        }
        noteWALIdentity()
    }

    /// Takes the log's identity the first time it is there to take. The first read
    /// opens the log of an outbox that exists; a file this connection just created
    /// has no log until its first commit, so every commit looks again until it has
    /// one. SQLite keeps the log at its path for as long as any connection is open.
    private func noteWALIdentity() {
        guard tracksWAL, walFile == nil else { return }
        walFile = FileIdentity(path: walPath)
    }

    /// The write-ahead log beside the database file.
    package var walPath: String { path + "-wal" }

    deinit {
        // Statements first: close_v2 would otherwise leave a zombie connection until they go.
        lastStatement = nil
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    // MARK: Running SQL

    /// Runs one statement to completion, discarding any rows it returns.
    package func execute(_ sql: String, _ arguments: [SQLValue] = []) throws(DatabaseError) {
        try execute(sql, arguments, cached: true)
    }

    /// Runs several `;`-separated statements without arguments, e.g. a migration.
    package func executeScript(_ sql: String) throws(DatabaseError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let resultCode = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard resultCode == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(resultCode))
            throw DatabaseError(extendedCode: sqlite3_extended_errcode(handle), message: message, sql: sql)
        }
    }

    package func query(_ sql: String, _ arguments: [SQLValue] = []) throws(DatabaseError) -> [Row] {
        let statement = try acquireStatement(sql, arguments, cached: true)
        defer { release(statement) }
        let columns = statement.columns()
        var rows: [Row] = []
        while try statement.step() {
            rows.append(statement.row(columns: columns))
        }
        return rows
    }

    /// The first row, or nil. The statement is not stepped further.
    package func queryRow(_ sql: String, _ arguments: [SQLValue] = []) throws(DatabaseError) -> Row? {
        let statement = try acquireStatement(sql, arguments, cached: true)
        defer { release(statement) }
        guard try statement.step() else { return nil }
        return statement.row(columns: statement.columns())
    }

    /// The first column of the first row, `.null` when there is no row.
    package func queryScalar(_ sql: String, _ arguments: [SQLValue] = []) throws(DatabaseError) -> SQLValue {
        try queryScalar(sql, arguments, cached: true)
    }

    /// Hands rows to `body` one at a time, so exporting a million rows never holds them all.
    /// An error thrown by `body` stops the iteration and is rethrown unchanged.
    package func forEachRow(_ sql: String, _ arguments: [SQLValue] = [], _ body: (Row) throws -> Void) throws {
        let statement = try acquireStatement(sql, arguments, cached: true)
        defer { release(statement) }
        let columns = statement.columns()
        while try statement.step() {
            try body(statement.row(columns: columns))
        }
    }

    /// Runs `body` in a write transaction and commits; rolls back and rethrows if
    /// `body` (or the commit) throws.
    ///
    /// `BEGIN IMMEDIATE` takes the write lock up front, waiting out the busy timeout.
    /// A deferred transaction that reads first and writes later can fail with
    /// SQLITE_BUSY at the upgrade, and no timeout helps there: the snapshot is stale.
    @discardableResult
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        precondition(
            sqlite3_get_autocommit(handle) != 0,
            "Database.transaction called inside another transaction on \(path); SQLite transactions do not nest")
        try execute("BEGIN IMMEDIATE")
        let value: T
        do {
            // Before anything is written and again before the commit: nothing goes into a deleted log.
            try requireWALInPlace()
            value = try body()
            try requireWALInPlace()
            try execute("COMMIT")
        } catch {
            rollbackIfNeeded()
            throw error
        }
        noteWALIdentity()
        return value
    }

    /// Throws unless the main database can be written. SQLite opens a write-protected
    /// file read-only without a word, and such a connection never learns that the
    /// mode was fixed later: a long-lived writer must find out at once.
    package func requireWritable() throws(DatabaseError) {
        guard sqlite3_db_readonly(handle, "main") == 1 else { return }
        throw DatabaseError(
            extendedCode: SQLITE_READONLY,
            message:
                "cannot write the database at \(path): it was opened read-only (check the owner and mode of the file and its directory)"
        )
    }

    /// Throws when the file this connection has open was deleted, renamed or
    /// replaced: the connection would go on writing into a file nobody else sees.
    package func requireNotMoved() throws(DatabaseError) {
        var moved: Int32 = 0
        let code = sqlite3_file_control(handle, "main", SQLITE_FCNTL_HAS_MOVED, &moved)
        guard code == SQLITE_OK, moved != 0 else { return }
        throw DatabaseError(
            extendedCode: SQLITE_IOERR,
            message: "the database file \(path) was deleted or replaced while open; restart to use the file now at that path")
    }

    /// Throws when the `-wal` file this connection writes was deleted or replaced
    /// since it opened it. Deleting an open file does not take it from the
    /// processes holding it: every commit since went into a file nobody else reads
    /// and no crash recovery finds. `transaction` checks this before it writes and
    /// before it commits, so no caller is told a write succeeded into such a file.
    package func requireWALInPlace() throws(DatabaseError) {
        guard let walFile, FileIdentity(path: walPath) != walFile else { return }
        // A connection that left WAL mode itself (`PRAGMA journal_mode=DELETE`,
        // as a bulk load may) removed the log on purpose; its next commit in
        // WAL mode notes the new one.
        if case .text(let mode) = try queryScalar("PRAGMA journal_mode", cached: false), mode.lowercased() != "wal" {
            self.walFile = nil
            return
        }
        throw DatabaseError(
            extendedCode: DatabaseError.walMissingCode,
            message:
                "the write-ahead log \(walPath) was deleted or replaced while this process had it open; nothing more is written through it: open the outbox again (a running daemon saves what the log held into \(path) and exits)"
        )
    }

    /// Writes every frame of this connection's log into the database file and
    /// empties the log (`PRAGMA wal_checkpoint(TRUNCATE)`): what a log deleted
    /// under this connection held is then in the file at `path`. False when a
    /// reader kept some frames from being written.
    package func checkpointIntoDatabaseFile() throws(DatabaseError) -> (complete: Bool, frames: Int) {
        // FULL reports the frames it wrote; TRUNCATE, which also empties the log, reports zeros.
        let full = try queryRow("PRAGMA wal_checkpoint(FULL)")
        let truncated = try queryRow("PRAGMA wal_checkpoint(TRUNCATE)")
        let complete = full?.int("busy") == 0 && truncated?.int("busy") == 0
        return (complete, full?.int("checkpointed") ?? 0)
    }

    /// `transaction`, committed without an fsync (`synchronous=NORMAL` for this one
    /// commit). For writes a power cut may undo without harm, such as a claim: the
    /// commit becomes durable with the next fsynced commit or checkpoint, and a power
    /// cut only ever loses a suffix of the WAL, so never an earlier fsynced commit.
    @discardableResult
    package func transactionWithoutSync<T>(_ body: () throws -> T) throws -> T {
        try execute("PRAGMA synchronous=NORMAL")
        let value: T
        do {
            value = try transaction(body)
        } catch {
            try execute("PRAGMA synchronous=FULL")
            throw error
        }
        try execute("PRAGMA synchronous=FULL")
        return value
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    package var changes: Int { Int(sqlite3_changes64(handle)) }

    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Changes whenever another connection commits; cheap way to notice outside writes.
    package func dataVersion() throws(DatabaseError) -> Int64 {
        try integer(queryScalar("PRAGMA data_version"), from: "PRAGMA data_version")
    }

    package func userVersion() throws(DatabaseError) -> Int {
        Int(try integer(queryScalar("PRAGMA user_version"), from: "PRAGMA user_version"))
    }

    package func setUserVersion(_ version: Int) throws(DatabaseError) {
        // PRAGMA takes no bound arguments; an Int interpolates safely.
        try execute("PRAGMA user_version = \(version)", cached: false)
    }

    /// "ok" when healthy; otherwise SQLite's findings, one per line.
    package func integrityCheck() throws(DatabaseError) -> String {
        let sql = "PRAGMA integrity_check"
        let statement = try acquireStatement(sql, [], cached: false)
        defer { release(statement) }
        var lines: [String] = []
        while try statement.step() {
            if case .text(let line) = statement.value(at: 0) { lines.append(line) }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Internals

    func execute(_ sql: String, _ arguments: [SQLValue] = [], cached: Bool) throws(DatabaseError) {
        let statement = try acquireStatement(sql, arguments, cached: cached)
        defer { release(statement) }
        while try statement.step() {}
    }

    func queryScalar(_ sql: String, _ arguments: [SQLValue] = [], cached: Bool) throws(DatabaseError) -> SQLValue {
        let statement = try acquireStatement(sql, arguments, cached: cached)
        defer { release(statement) }
        guard try statement.step(), sqlite3_column_count(statement.handle) > 0 else { return .null }
        return statement.value(at: 0)
    }

    /// A statement ready to step with `arguments` bound; pair with `release`.
    private func acquireStatement(_ sql: String, _ arguments: [SQLValue], cached: Bool) throws(DatabaseError) -> Statement {
        let statement: Statement
        if cached, let last = lastStatement, !last.inUse, last.sql == sql {
            statement = last
        } else if cached, let existing = statementCache[sql], !existing.inUse {
            statement = existing
            lastStatement = existing
        } else {
            let isNew = cached && statementCache[sql] == nil
            statement = try Statement(connection: handle, sql: sql, persistent: isNew)
            if isNew {
                statementCache[sql] = statement
                lastStatement = statement
            }
        }
        statement.reset()
        statement.inUse = true
        do {
            try statement.bind(arguments)
        } catch {
            release(statement)
            throw error
        }
        return statement
    }

    private func release(_ statement: Statement) {
        statement.reset()
        statement.inUse = false
    }

    private func integer(_ value: SQLValue, from sql: String) throws(DatabaseError) -> Int64 {
        guard case .integer(let integer) = value else {
            throw DatabaseError(extendedCode: SQLITE_MISMATCH, message: "expected an integer, got \(value)", sql: sql)
        }
        return integer
    }

    /// After a failed body or commit. SQLite may already have rolled back by itself
    /// (e.g. on SQLITE_FULL), hence the autocommit check; a failing ROLLBACK leaves
    /// nothing better to do than report the original error.
    private func rollbackIfNeeded() {
        guard sqlite3_get_autocommit(handle) == 0 else { return }
        try? execute("ROLLBACK")
    }

    /// Creates an empty file readable and writable by the owner only.
    /// - Returns: false when the file already exists (it is left untouched).
    static func createPrivateFile(atPath path: String) throws(DatabaseError) -> Bool {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let error = errno
            if error == EEXIST { return false }
            throw DatabaseError(
                extendedCode: SQLITE_CANTOPEN,
                message: "cannot create database file at \(path): \(String(cString: strerror(error)))")
        }
        // The mode given to open() is filtered by the umask; fchmod is not.
        fchmod(descriptor, 0o600)
        close(descriptor)
        return true
    }
}

/// Spelled out so that no future conformance makes a NOMUTEX connection shareable by accident.
@available(*, unavailable)
extension Database: Sendable {}

/// A file's device and inode: what stays the same while it is the same file.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    /// Nil when nothing is at `path`.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

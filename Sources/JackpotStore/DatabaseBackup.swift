import CSQLite
#if canImport(Glibc)
import Glibc
#endif

extension Database {
    /// Writes a consistent copy of the database to a new file at `destinationPath`
    /// while other connections keep writing.
    ///
    /// The copy is taken from one read snapshot of this connection: the backup API
    /// otherwise restarts from page one every time another connection commits between
    /// two steps, which under a busy daemon could never finish. In WAL mode the
    /// snapshot does not block writers.
    ///
    /// - Throws: when the destination (or a leftover journal of that name) already
    ///   exists, when this connection is inside a transaction (the copy would include
    ///   uncommitted changes), or when the copy fails; a partial copy is deleted.
    package func backup(to destinationPath: String) throws(DatabaseError) {
        guard sqlite3_get_autocommit(handle) != 0 else {
            throw DatabaseError(
                extendedCode: SQLITE_MISUSE,
                message: "backup of \(path) cannot run inside a transaction")
        }
        // A stale journal next to the new file would be replayed into it on open.
        for leftover in [destinationPath + "-journal", destinationPath + "-wal"] where access(leftover, F_OK) == 0 {
            throw DatabaseError(
                extendedCode: SQLITE_CANTOPEN,
                message: "refusing to back up to \(destinationPath): \(leftover) exists")
        }
        guard try Self.createPrivateFile(atPath: destinationPath) else {
            throw DatabaseError(
                extendedCode: SQLITE_CANTOPEN,
                message: "refusing to back up to \(destinationPath): the file exists")
        }
        var succeeded = false
        defer {
            if !succeeded {
                for file in [destinationPath, destinationPath + "-journal", destinationPath + "-wal", destinationPath + "-shm"] {
                    unlink(file)
                }
            }
        }

        var opened: OpaquePointer?
        let openCode = sqlite3_open_v2(
            destinationPath, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        defer { sqlite3_close_v2(opened) }
        guard openCode == SQLITE_OK, let destination = opened else {
            throw DatabaseError(
                connection: opened, resultCode: openCode, sql: nil,
                context: "cannot open backup destination \(destinationPath)")
        }
        sqlite3_extended_result_codes(destination, 1)

        try execute("BEGIN DEFERRED")
        defer { try? execute("COMMIT") }
        // BEGIN alone takes no snapshot; the first read does.
        _ = try queryScalar("SELECT count(*) FROM sqlite_schema")

        guard let backup = sqlite3_backup_init(destination, "main", handle, "main") else {
            throw DatabaseError(
                connection: destination, resultCode: sqlite3_extended_errcode(destination), sql: nil,
                context: "cannot start backup of \(path) to \(destinationPath)")
        }
        var stepCode: Int32
        repeat {
            stepCode = sqlite3_backup_step(backup, 256)
            if stepCode & 0xFF == SQLITE_BUSY || stepCode & 0xFF == SQLITE_LOCKED {
                usleep(10_000)
            }
        } while stepCode == SQLITE_OK || stepCode & 0xFF == SQLITE_BUSY || stepCode & 0xFF == SQLITE_LOCKED
        // finish reports the step's error too, and must run in every case to free the backup.
        let finishCode = sqlite3_backup_finish(backup)
        let failure = stepCode != SQLITE_DONE ? stepCode : finishCode
        guard failure == SQLITE_OK || failure == SQLITE_DONE else {
            throw DatabaseError(
                connection: destination, resultCode: failure, sql: nil,
                context: "backup of \(path) to \(destinationPath) failed")
        }
        succeeded = true
    }
}

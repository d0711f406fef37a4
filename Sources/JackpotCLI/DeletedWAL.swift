import Foundation
import JackpotStore

/// What `status` and the other ops commands say when the outbox's `-wal` file
/// was deleted while some process had the outbox open: its `-shm` index is
/// still there and still counts the deleted log's commits, so a new connection
/// fails to read them ("disk I/O error"), and only the processes holding the
/// log have them.
enum DeletedWAL {
    /// The outbox's `-shm` file is there and its `-wal` file is not, which SQLite
    /// never leaves behind while the outbox is open.
    static func looksDeleted(database path: String) -> Bool {
        let files = FileManager.default
        return files.fileExists(atPath: path + "-shm") && !files.fileExists(atPath: path + "-wal")
    }

    static func failure(database path: String, error: DatabaseError) -> CommandFailure {
        CommandFailure(
            "the outbox's write-ahead log \(path)-wal was deleted while a process had the outbox open: its newest commits are only in that process. A running jackpotd writes them into \(path) within a second, logs wal_deleted and exits 1; run the command again then. (\(error))"
        )
    }
}

import Foundation
import JackpotWire

/// Swapping a backup in for the live outbox file, in the order that loses
/// nothing: the caller holds the daemons' lock exclusively (no daemon runs).
package enum OutboxRestore {
    /// Copies `backup` next to `live`, folds the live file's write-ahead log into
    /// it and moves it aside, removes any stale `-wal`/`-shm`, then renames the
    /// copy into place. Returns where the previous outbox was kept, if there was one.
    ///
    /// The restored file gets the live file's owner and mode (with no live file,
    /// the directory's owner and 0600), not the backup's: a backup is often
    /// 0644 and restored by root, and the outbox holds player tokens and must
    /// stay openable by the daemon's user.
    package static func replace(_ live: String, with backup: String) throws -> String? {
        let files = FileManager.default
        let staging = live + ".restoring"
        let ownership = try FileOwnership.forOutbox(at: live)
        try? files.removeItem(atPath: staging)
        try files.copyItem(atPath: backup, toPath: staging)
        try ownership.apply(to: staging)
        try fsync(path: staging)

        var keptAs: String?
        if files.fileExists(atPath: live) {
            // Checkpointing and closing the last connection leaves a complete
            // file with no -wal beside it: what is kept aside is the whole outbox.
            // A checkpoint that could not finish (another process still reads the
            // file: Litestream) would leave committed wins in the -wal removed below.
            do {
                let database = try Database(path: live)
                let result = try database.queryRow("PRAGMA wal_checkpoint(TRUNCATE)")
                guard result?.int64("busy") == 0, result?.int64("log") == result?.int64("checkpointed") else {
                    try? files.removeItem(atPath: staging)
                    throw LiveOutboxInUse(path: live)
                }
            }
            let aside = live + ".before-restore-" + Self.stamp()
            try files.moveItem(atPath: live, toPath: aside)
            keptAs = aside
        }
        for suffix in ["-wal", "-shm"] where files.fileExists(atPath: live + suffix) {
            try files.removeItem(atPath: live + suffix)
        }
        guard rename(staging, live) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: live])
        }
        try fsync(path: (live as NSString).deletingLastPathComponent.isEmpty ? "." : (live as NSString).deletingLastPathComponent)
        return keptAs
    }

    /// The live outbox's write-ahead log could not be folded into it: some
    /// process other than a daemon still has the file open.
    package struct LiveOutboxInUse: Error, CustomStringConvertible {
        package let path: String
        package var description: String {
            "another process has \(path) open, so its write-ahead log cannot be folded into it (Litestream replicating it? "
                + "stop it first: systemctl stop litestream); nothing was changed"
        }
    }

    /// UTC time as in backup names, `20261202T061500Z`.
    package static func stamp(_ time: UTCTime = WallClock.now()) -> String {
        time.text(.compact)
    }

    private static func fsync(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        _ = Foundation.fsync(descriptor)
    }
}

import Foundation
import JackpotConfiguration
import JackpotStore

struct RestoreCommand: Command {
    static let name = "restore"
    static let summary = "Put a backup in place of the outbox (the daemon must be stopped)"
    static let synopsis = "restore BACKUP"
    static let discussion = """
        Checks BACKUP's integrity first, and refuses while any daemon runs on the
        outbox (each holds a lock on DATABASE-daemons.lock; stop it with
        `systemctl stop jackpotd`). The live database, with its write-ahead log
        folded in, is kept beside it as DATABASE.before-restore-TIME; stale -wal
        and -shm files are removed before the backup is moved into place, so no
        old log is ever replayed into the restored file. When that log cannot be
        folded in because another process still reads the outbox (Litestream
        replicating it), it refuses and changes nothing: stop Litestream too
        (systemctl stop litestream), and start it after. The restored outbox is
        migrated and checked again. It gets the live file's owner and mode (with
        no live file: the directory's owner, mode 0600), not the backup's, so a
        restore run as root leaves a file the daemon's user can open and nobody
        else can read. Example:
          systemctl stop jackpotd
          jackpotd restore /var/lib/jackpotd/backups/outbox-20261201T020000Z.sqlite3 --config /etc/jackpotd/config.json
          systemctl start jackpotd
        """
    static let options: [OptionSpec] = []

    let backup: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(1...1, what: "BACKUP")
        backup = arguments.positionals[0]
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let config = context.databaseOverride == nil ? try context.loadConfig().config : nil
        let live = try context.databasePath(config: config)
        guard FileManager.default.fileExists(atPath: backup) else {
            throw CommandFailure("no backup at \(backup)")
        }
        let wins = try Self.checkedWinCount(backup, what: "backup")
        let ownership = try FileOwnership.forOutbox(at: live)
        let lock = try DaemonPresence(database: live, mode: .exclusive)
        // A lock file this command created belongs to the daemon's user too, or it could not start.
        try FileOwnership(owner: ownership.owner, group: ownership.group, mode: 0o600).apply(to: lock.lockPath)
        let keptAs = try OutboxRestore.replace(live, with: backup)
        let restored = try Outbox(path: live)
        let check = try restored.database.integrityCheck()
        guard check == "ok" else { throw CommandFailure("the restored outbox \(live) failed its integrity check: \(check)") }
        withExtendedLifetime(lock) {}
        context.output.line("restored \(backup) to \(live): \(wins) wins, integrity ok")
        if let keptAs { context.output.line("the previous outbox is kept as \(keptAs)") }
        return .success
    }

    /// Wins in a database that passes SQLite's integrity check. Opened for
    /// writing, though nothing is written: only a writer's last close removes
    /// the -wal and -shm files that opening creates.
    static func checkedWinCount(_ path: String, what: String) throws -> Int64 {
        let database: Database
        do {
            database = try Database(path: path)
        } catch {
            throw CommandFailure("cannot open the \(what) \(path): \(error)")
        }
        let check = (try? database.integrityCheck()) ?? "not an SQLite database"
        guard check == "ok" else { throw CommandFailure("the \(what) \(path) failed its integrity check: \(check)") }
        do {
            return try database.queryScalar("SELECT count(*) FROM wins").integerValue ?? 0
        } catch {
            throw CommandFailure("the \(what) \(path) is not a jackpotd outbox: \(error)")
        }
    }
}

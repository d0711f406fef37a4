import Foundation
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator

struct BackupCommand: Command {
    static let name = "backup"
    static let summary = "Write a consistent copy of the live outbox to FILE"
    static let synopsis = "backup FILE"
    static let discussion = """
        Uses SQLite's online backup API: safe while the daemon runs, and the copy is
        a consistent snapshot. FILE must not exist; it is created with mode 0600.
        Restore: stop the daemon, put the copy in place of the database (remove old
        -wal and -shm files), start the daemon.
        """
    static let options: [OptionSpec] = []

    let destination: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(1...1, what: "FILE")
        destination = arguments.positionals[0]
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outbox = try context.openOutbox()
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw CommandFailure("\(destination) exists; choose a new file (a backup never overwrites)")
        }
        try outbox.backup(to: destination)
        let copy = try Database(path: destination)
        let check = try copy.integrityCheck()
        guard check == "ok" else { throw CommandFailure("backup \(destination) failed its integrity check: \(check)") }
        let wins = try copy.queryScalar("SELECT count(*) FROM wins").integerValue ?? 0
        context.output.line("backed up \(outbox.path) to \(destination): \(wins) wins, integrity ok")
        return .success
    }
}

import Foundation
import JackpotStore

struct BackupCommand: Command {
    static let name = "backup"
    static let summary = "Write a consistent copy of the live outbox to FILE, or into a rotated directory"
    static let synopsis = "backup FILE | backup --into DIR [--keep N]"
    static let discussion = """
        Uses SQLite's online backup API: safe while the daemon runs, and the copy is
        a consistent snapshot, checked for integrity. FILE must not exist; it is
        created with mode 0600. With --into, the copy is DIR/outbox-TIME.sqlite3
        (UTC, e.g. outbox-20261201T020000Z.sqlite3) and only the newest N such
        copies are kept (default 14); other files in DIR are never touched. This is
        what Deploy/jackpotd-backup.timer runs nightly. Put a copy back with
        `jackpotd restore BACKUP`.
        """
    static let options: [OptionSpec] = [
        .value("--into", "DIR", help: "write outbox-TIME.sqlite3 into DIR and rotate"),
        .value("--keep", "N", help: "with --into: how many copies to keep (default 14)"),
    ]

    /// The file names `--into` writes and rotates: nothing else in the directory matches.
    static func isRotatedName(_ name: String) -> Bool {
        name.wholeMatch(of: /outbox-\d{8}T\d{6}Z\.sqlite3/) != nil
    }

    let destination: String?
    let directory: String?
    let keep: Int

    init(_ arguments: ParsedArguments) throws(UsageError) {
        directory = arguments.value("--into")
        if directory == nil {
            try arguments.requirePositionals(1...1, what: "FILE")
            destination = arguments.positionals[0]
            guard arguments.value("--keep") == nil else { throw UsageError("--keep goes with --into DIR") }
        } else {
            try arguments.requirePositionals(0...0, what: "FILE (not with --into)")
            destination = nil
        }
        keep = try arguments.int("--keep", range: 1...10_000) ?? 14
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outbox = try context.openOutbox()
        let target = try destination ?? rotatedTarget()
        guard !FileManager.default.fileExists(atPath: target) else {
            throw CommandFailure("\(target) exists; choose a new file (a backup never overwrites)")
        }
        try outbox.backup(to: target)
        let wins = try RestoreCommand.checkedWinCount(target, what: "backup")
        context.output.line("backed up \(outbox.path) to \(target): \(wins) wins, integrity ok")
        if let directory {
            for removed in try rotate(directory) { context.output.line("removed old backup \(removed)") }
        }
        return .success
    }

    private func rotatedTarget() throws -> String {
        guard let directory else { preconditionFailure() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("no directory \(directory) for --into")
        }
        return directory + "/outbox-" + OutboxRestore.stamp() + ".sqlite3"
    }

    /// Deletes all but the newest `keep` rotated copies (their names sort by time).
    private func rotate(_ directory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter(Self.isRotatedName)
            .sorted()
        let old = names.dropLast(keep).map { directory + "/" + $0 }
        for path in old { try FileManager.default.removeItem(atPath: path) }
        return old
    }
}

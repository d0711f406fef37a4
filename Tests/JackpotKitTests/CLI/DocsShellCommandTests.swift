import Foundation
import Testing
import JackpotCLI
import TestSupport

/// The `sh` blocks of the docs (install, upgrade and runbook recipes) run on a
/// server, so no test can replay them here; what can drift is every
/// `jackpotd` command in them. Each one (also as `jp`, the runbooks' alias for
/// `sudo -u jackpotd env JACKPOTD_CONFIG=… jackpotd`, and behind `sudo -u USER`
/// or `env VAR=…`) must name a real command and only options that command
/// takes, with their values: parsed by the binary's own argument parser.
@Suite(.timeLimit(.minutes(1))) struct DocsShellCommandTests {
    @Test func everyJackpotdCommandInAShellBlockParses() throws {
        var checked = 0
        for page in DocsText.pages {
            let text = try String(contentsOfFile: DocsText.path(of: page), encoding: .utf8)
            for line in Self.shellLines(in: text) {
                guard let arguments = Self.jackpotdArguments(line) else { continue }
                checked += 1
                #expect(throws: Never.self, "\(page): \(line)") { try Self.parse(arguments) }
            }
        }
        // The pages hold a few dozen of them; none found means the reader broke.
        #expect(checked >= 20, "only \(checked) jackpotd commands found in sh blocks")
    }

    @Test func aMistypedOptionOrCommandIsCaught() {
        #expect(throws: UsageError.self) { try Self.parse(Self.jackpotdArguments("jp list --stat failed")!) }
        #expect(throws: UsageError.self) { try Self.parse(Self.jackpotdArguments("jp lists --state failed")!) }
        #expect(throws: UsageError.self) { try Self.parse(Self.jackpotdArguments("jp retry --operator")!) }
        #expect(throws: Never.self) {
            try Self.parse(Self.jackpotdArguments("sudo -u jackpotd env A=b jackpotd check --config /etc/jackpotd/config.json")!)
        }
        #expect(Self.jackpotdArguments("sudo -u jackpotd litestream restore -config x y") == nil)
        #expect(Self.jackpotdArguments("systemctl status jackpotd") == nil)
    }

    /// The command lines of every ```sh block: comments removed, lines ending
    /// in `\` joined with the next.
    static func shellLines(in text: String) -> [String] {
        var lines: [String] = []
        var inShell = false
        var pending = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                inShell = !inShell && line == "```sh"
                continue
            }
            guard inShell else { continue }
            let command = DocsText.withoutComment(line)
            if command.hasSuffix("\\") {
                pending += command.dropLast() + " "
                continue
            }
            lines.append(pending + command)
            pending = ""
        }
        return lines
    }

    /// The arguments after `jackpotd` (or `jp`), or nil when the line runs something else.
    static func jackpotdArguments(_ line: String) -> [String]? {
        var words = DocsText.words(line)[...]
        if words.first == "jp" { return Array(words.dropFirst()) }
        if words.first == "sudo" {
            words = words.dropFirst()
            if words.first == "-u" { words = words.dropFirst(2) }
        }
        if words.first == "env" {
            words = words.dropFirst()
            while let word = words.first, word.contains("="), !word.hasPrefix("-") { words = words.dropFirst() }
        }
        guard words.first == "jackpotd" else { return nil }
        return Array(words.dropFirst())
    }

    static func parse(_ arguments: [String]) throws {
        let (command, rest) = try CommandLineTool.split(arguments)
        guard let command else {
            // Only `jackpotd --help`, `--version` and the like name no command.
            guard arguments.allSatisfy({ $0.hasPrefix("-") }) else { throw UsageError("no command in \(arguments)") }
            return
        }
        _ = try ParsedArguments(rest, options: command.options)
    }
}

import Foundation
import Testing
import JackpotCLI
import TestSupport

/// The committed manual page under mandoc's linter and renderer, and the
/// committed bash completion loaded into a real bash, asked what it would
/// offer after a command prefix, an option prefix and an option's value.
@Suite(.timeLimit(.minutes(2)), .oneTestPerCore) struct ManualAndCompletionTests {
    static let completion = DocsText.path(of: "Deploy/bash-completion/jackpotd")

    @Test func manPageIsCleanUnderMandocLint() throws {
        let mandoc = try ExternalProgram.require("mandoc", package: "mandoc")
        let lint = try ExternalProgram.run(mandoc, ["-T", "lint", DocsText.path(of: "Deploy/jackpotd.1")])
        #expect(lint.status == 0, "mandoc -T lint:\n\(lint.output)")
        #expect(lint.output.isEmpty, "mandoc -T lint:\n\(lint.output)")
    }

    /// Options render as ASCII hyphens, so one copied from the page works in a shell.
    @Test func renderedPageShowsEachCommandWithPastableOptions() throws {
        let mandoc = try ExternalProgram.require("mandoc", package: "mandoc")
        let page = try ExternalProgram.run(mandoc, ["-T", "ascii", DocsText.path(of: "Deploy/jackpotd.1")])
        try #require(page.status == 0, "\(page.output)")
        let text = page.output.replacingOccurrences(of: #"(.)\x08\1"#, with: "$1", options: .regularExpression)
            .replacingOccurrences(of: #"_\x08"#, with: "", options: .regularExpression)
        for command in CommandLineTool.commands {
            #expect(text.contains("jackpotd \(command.name)"), "the page never shows `jackpotd \(command.name)`")
        }
        #expect(text.contains("--metrics-file PATH"))
        #expect(text.contains("jackpotd enqueue --config /etc/jackpotd/config.json --operator casino-a \\"))
    }

    /// COMPREPLY after `_jackpotd` runs for `words` (the last is the word being completed).
    static func complete(_ words: [String], in directory: String? = nil) throws -> [String] {
        let bash = try ExternalProgram.require("bash", package: "bash")
        let script = """
            source "$1"; shift
            COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
            _jackpotd
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let run = try ExternalProgram.run(
            bash, ["--norc", "--noprofile", "-c", script, "bash", completion] + words, directory: directory)
        try #require(run.status == 0, "bash: \(run.output)")
        return run.output.split(separator: "\n").map(String.init)
    }

    @Test func completesCommandNamesFromAPrefix() throws {
        #expect(try Self.complete(["jackpotd", "li"]) == ["list"])
        #expect(try Set(Self.complete(["jackpotd", "re"])) == ["retry", "resume", "reconcile", "restore"])
        // Global options before the command are skipped, with their values.
        #expect(try Self.complete(["jackpotd", "--config", "/etc/jackpotd/config.json", "st"]) == ["status"])
        #expect(try Self.complete(["jackpotd", "help", "sh"]) == ["show"])
    }

    @Test func completesACommandsOptionsFromAPrefix() throws {
        #expect(try Set(Self.complete(["jackpotd", "list", "--s"])) == ["--state", "--since"])
        #expect(try Set(Self.complete(["jackpotd", "reconcile", "casino-a", "--f"])) == ["--file", "--format", "--from"])
        let list = try #require(CommandLineTool.commands.first { $0.name == "list" })
        let offered = try Set(Self.complete(["jackpotd", "list", ""]))
        #expect(offered == Set((list.options + OptionSpec.global).map(\.name)))
    }

    @Test func completesFileNamesOnlyWhereAnOptionTakesAFile() throws {
        let directory = TemporaryDirectory()
        _ = directory.write("config.json", "{}")
        _ = directory.write("wins.jsonl", "")
        #expect(try Self.complete(["jackpotd", "run", "--config", "con"], in: directory.path) == ["config.json"])
        #expect(try Self.complete(["jackpotd", "enqueue", "--file", "w"], in: directory.path) == ["wins.jsonl"])
        // A state, an operator name: no files and no options offered.
        #expect(try Self.complete(["jackpotd", "list", "--state", ""], in: directory.path) == [])
        #expect(try Self.complete(["jackpotd", "retry", "--operator", ""], in: directory.path) == [])
    }
}

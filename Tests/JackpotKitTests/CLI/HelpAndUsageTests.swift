import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import TestSupport

/// The command names, options and exit codes scripts rely on:
/// help that documents them, and usage errors that say what was wrong.
@Suite(.timeLimit(.minutes(2))) struct HelpAndUsageTests {
    /// Every command and the options docs/operations.md promises for it.
    static let contract: [String: [String]] = [
        "run": ["--metrics-file", "--log-format"],
        "enqueue": ["--file", "--operator", "--reference", "--amount"],
        "status": ["--json", "--watch"],
        "list": ["--state", "--operator", "--user", "--since", "--limit", "--json"],
        "show": ["--json"],
        "retry": ["--operator", "--state"],
        "cancel": ["--reason"],
        "pause": ["--reason"],
        "resume": [],
        "purge": ["--delivered-older-than"],
        "export": ["--state", "--operator", "--since", "--format"],
        "check": ["--metrics-file", "--replication", "--json"],
        "backup": [],
        "demo": ["--wins"],
        "probe": ["--user-id", "--token", "--amount", "--url", "--max-calls", "--yes", "--json"],
    ]

    @Test func overviewListsEveryCommand() async {
        let result = await runCLI(["--help"])
        #expect(result.code == .success)
        for name in Self.contract.keys {
            #expect(result.output.contains("\n  \(name) "), "jackpotd --help does not list \(name)")
        }
        #expect(result.output.contains("Exit codes: 0 ok, 1 operation failed"))
    }

    @Test func noArgumentsPrintsTheOverviewAndIsAUsageError() async {
        let result = await runCLI([])
        #expect(result.code == .usage)
        #expect(result.output.contains("Usage: jackpotd COMMAND"))
    }

    @Test(arguments: contract.keys.sorted())
    func commandHelpMentionsEachOfItsOptions(_ name: String) async throws {
        let result = await runCLI([name, "--help"])
        #expect(result.code == .success)
        #expect(result.errors.isEmpty)
        #expect(result.output.hasPrefix("Usage: jackpotd \(name)"))
        let command = try #require(CommandLineTool.commands.first { $0.name == name })
        let options = Set(Self.contract[name]! + command.options.map(\.name) + ["--config", "--db", "--help"])
        for option in options {
            #expect(result.output.contains(option), "\(name) --help does not mention \(option)")
        }
    }

    /// The human status table shows PAUSED, not the reason: the help must not promise it.
    @Test func pauseHelpSaysWhereTheReasonIsShown() async {
        let help = await runCLI(["pause", "--help"])
        let line = help.output.split(separator: "\n").first { $0.hasPrefix("  --reason TEXT") }.map(String.init) ?? ""
        #expect(line.hasSuffix("why; `status --json` shows it (pauseReason), the table shows PAUSED"), "\(line)")
    }

    @Test func unknownCommandIsAUsageErrorNamingIt() async {
        let result = await runCLI(["stauts"])
        #expect(result.code == .usage)
        #expect(firstLine(result.errors) == "jackpotd: error: unknown command \"stauts\" (did you mean status?)")
    }

    /// A mistyped option is exit 2 with the option it most likely meant.
    @Test(arguments: [
        (["status", "--jsn"], "--jsn", "--json"),
        (["list", "--operater", "casino-a"], "--operater", "--operator"),
        (["show", "ref-1", "--josn"], "--josn", "--json"),
        (["retry", "--operator", "casino-a", "--sate", "failed"], "--sate", "--state"),
        (["cancel", "ref-1", "--reasn", "typo"], "--reasn", "--reason"),
        (["pause", "casino-a", "--reson", "typo"], "--reson", "--reason"),
        (["resume", "casino-a", "--confg", "x.json"], "--confg", "--config"),
        (["purge", "--delivered-older-then", "30"], "--delivered-older-then", "--delivered-older-than"),
        (["export", "--formt", "csv"], "--formt", "--format"),
        (["check", "--jsno"], "--jsno", "--json"),
        (["backup", "copy.sqlite3", "--dbb", "x"], "--dbb", "--db"),
        (["demo", "--wnis", "5"], "--wnis", "--wins"),
        (["enqueue", "--fiel", "wins.jsonl"], "--fiel", "--file"),
    ])
    func unknownOptionSuggestsTheClosestOne(_ arguments: [String], typo: String, meant: String) async {
        let result = await runCLI(arguments)
        #expect(result.code == .usage)
        #expect(firstLine(result.errors) == "jackpotd \(arguments[0]): error: unknown option \(typo) (did you mean \(meant)?)")
        #expect(result.output.isEmpty)
    }

    /// Without --config (or $JACKPOTD_CONFIG) and --db there is nothing to work on: exit 2, saying how to name it.
    @Test(arguments: [
        ["status"], ["list"], ["show", "ref-1"], ["retry", "ref-1"], ["cancel", "ref-1", "--reason", "x"],
        ["pause", "casino-a"], ["resume", "casino-a"], ["purge", "--delivered-older-than", "30"], ["export"],
        ["check"], ["backup", "/tmp/never-written.sqlite3"], ["enqueue", "--file", "/dev/null"], ["run"],
    ])
    func missingConfigIsAUsageError(_ arguments: [String]) async {
        let result = await runCLI(arguments, environment: [:])
        #expect(result.code == .usage)
        let message = firstLine(result.errors)
        #expect(message.hasPrefix("jackpotd \(arguments[0]): error: no "))
        #expect(message.contains("--config FILE"))
    }

    @Test(arguments: [
        ["status"], ["list"], ["show", "ref-1"], ["retry", "ref-1"], ["cancel", "ref-1", "--reason", "x"],
        ["pause", "casino-a"], ["resume", "casino-a"], ["purge", "--delivered-older-than", "30"], ["export"],
        ["check"], ["enqueue", "--file", "/dev/null"],
    ])
    func unreadableConfigIsAUsageErrorNamingTheFile(_ arguments: [String]) async {
        let directory = TemporaryDirectory()
        let missing = directory.path("missing.json")
        let result = await runCLI(arguments + ["--config", missing])
        #expect(result.code == .usage)
        #expect(firstLine(result.errors).contains("\(missing): cannot read the config file"))
    }

    /// Ops commands never create an outbox: a mistyped --db is exit 2, not an
    /// empty outbox that reports nothing pending.
    @Test(arguments: [
        ["status"], ["list"], ["show", "ref-1"], ["retry", "ref-1"], ["cancel", "ref-1", "--reason", "x"],
        ["pause", "casino-a"], ["resume", "casino-a"], ["purge", "--delivered-older-than", "30"], ["export"],
    ])
    func missingDatabaseFileIsAUsageErrorAndIsNotCreated(_ arguments: [String]) async {
        let directory = TemporaryDirectory()
        let missing = directory.path("outbx.sqlite3")
        let result = await runCLI(arguments + ["--db", missing])
        #expect(result.code == .usage)
        #expect(firstLine(result.errors).hasPrefix("jackpotd \(arguments[0]): error: no outbox database at \(missing)"))
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func backupOfAMissingDatabaseIsAUsageErrorAndWritesNothing() async {
        let directory = TemporaryDirectory()
        let copy = directory.path("copy.sqlite3")
        let result = await runCLI(["backup", copy, "--db", directory.path("outbx.sqlite3")])
        #expect(result.code == .usage)
        #expect(firstLine(result.errors).contains("no outbox database at"))
        #expect(!FileManager.default.fileExists(atPath: copy))
    }

    @Test func missingPositionalIsAUsageError() async {
        for (arguments, what) in [
            (["show"], "REFERENCE"), (["backup"], "FILE"), (["pause"], "OPERATOR"), (["resume"], "OPERATOR"),
        ] {
            let result = await runCLI(arguments + ["--db", "/nonexistent/outbox.sqlite3"])
            #expect(result.code == .usage)
            #expect(firstLine(result.errors) == "jackpotd \(arguments[0]): error: missing \(what)")
        }
    }
}

@Suite(.timeLimit(.minutes(2))) struct VersionTests {
    @Test func versionNamesTheReleaseAndTheSchema() async {
        let result = await runCLI(["--version"])
        #expect(result.code == .success)
        #expect(result.output == "jackpotd \(ProductVersion.current) (outbox schema \(Schema.currentVersion))\n")
    }
}

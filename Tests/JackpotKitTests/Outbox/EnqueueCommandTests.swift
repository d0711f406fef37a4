import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct EnqueueCommandTests {
    @Test func jsonLinesKeepGoodLinesAndReportBadOnesByLine() async throws {
        let directory = TemporaryDirectory()
        let config = writeConfig(
            in: directory, operators: [TestOperator(name: "casino-a", url: "http://127.0.0.1:9/x", secret: "s")])
        let lines = [
            winLine("good-1", operator: "casino-a"),
            "this is not json",
            winLine("good-2", operator: "casino-a", amount: "\"1250.50\""),
            "",
            winLine("bad-amount", operator: "casino-a", amount: "-5"),
            winLine("good-1", operator: "casino-a"),
            winLine("other", operator: "casino-zz"),
            winLine("good-1", operator: "casino-a", amount: "56"),
        ]
        let file = directory.write("wins.jsonl", lines.joined(separator: "\n"))
        let result = await runCLI(["enqueue", "--create", "--config", config, "--file", file])

        #expect(result.code == .failure)
        #expect(result.output == "accepted 2, duplicate 1, rejected 4\n")
        let errors = result.errors.split(separator: "\n").map(String.init)
        try #require(errors.count == 4)
        #expect(errors[0].hasPrefix("line 2: line is not valid JSON"))
        #expect(errors[1].hasPrefix("line 5: amount must be positive"))
        #expect(errors[2].hasPrefix("line 7: operator \"casino-zz\" is not configured"))
        #expect(errors[3] == "line 8: reference good-1 already exists with a different amount")
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        #expect(try outbox.win(reference: "good-2")?.amount == "1250.5")
        #expect(try outbox.win(reference: "bad-amount") == nil)
    }

    /// With --config the operator was checked, so the row is stored validated
    /// and the daemon first reads it when it claims it; with --db alone the
    /// daemon checks it once, and parks a win of an operator it does not know.
    @Test func winsCheckedAgainstTheConfigAreStoredValidatedOthersAreCheckedByTheDaemon() async throws {
        let directory = TemporaryDirectory()
        let database = directory.path("outbox.sqlite3")
        let config = writeConfig(
            in: directory, operators: [TestOperator(name: "casino-a", url: "http://127.0.0.1:9/x", secret: "s")])
        let checked = await runCLI([
            "enqueue", "--create", "--config", config, "--file",
            directory.write("checked.jsonl", winLine("checked-1", operator: "casino-a") + "\n"),
        ])
        #expect(checked.code == .success, "\(checked.errors)")
        let unchecked = await runCLI([
            "enqueue", "--db", database, "--file",
            directory.write("unchecked.jsonl", winLine("unchecked-1", operator: "casino-z") + "\n"),
        ])
        #expect(unchecked.code == .success, "\(unchecked.errors)")

        let outbox = try Outbox(path: database)
        let unvalidated = try outbox.database.query("SELECT reference FROM wins WHERE validated = 0").compactMap {
            $0.string("reference")
        }
        #expect(unvalidated == ["unchecked-1"])
        let parked = try outbox.parkInvalidNewWins(knownOperators: ["casino-a"], now: 1)
        #expect(parked.map(\.reference) == ["unchecked-1"])
        #expect(parked.first?.reason == "operator \"casino-z\" is not configured")
        #expect(try outbox.win(reference: "checked-1")?.state == .pending)
        #expect(try !outbox.hasUnvalidatedWins())
    }

    @Test func oneWinFromFlagsAndItsDuplicate() async throws {
        let directory = TemporaryDirectory()
        let database = directory.path("outbox.sqlite3")
        let flags = [
            "enqueue", "--create", "--db", database, "--operator", "casino-a", "--reference", "flag-1", "--user-id", "421",
            "--game-id", "g", "--round-id", "r", "--jackpot-id", "568", "--amount", "55.0", "--token", "secret-token",
        ]
        let first = await runCLI(flags)
        #expect(first.code == .success)
        #expect(first.output == "accepted flag-1\n")
        let second = await runCLI(flags)
        #expect(second.code == .success)
        #expect(second.output.hasPrefix("duplicate flag-1"))
        let stored = try #require(try Outbox(path: database).win(reference: "flag-1"))
        #expect(stored.amount == "55")
        #expect(stored.token == "secret-token")

        let bad = await runCLI(["enqueue", "--db", database, "--operator", "casino-a", "--reference", "flag-2"])
        #expect(bad.code == .usage)
        #expect(
            firstLine(bad.errors)
                == "jackpotd enqueue: error: a single win also needs --user-id, --game-id, --round-id, --jackpot-id, --amount")
    }

    @Test func standardInputAndJSONSummary() async throws {
        let directory = TemporaryDirectory()
        let database = directory.path("outbox.sqlite3")
        let file = directory.write("in.jsonl", winLine("stdin-1", operator: "a") + "\n[1]\n")
        let result = await runCLI(["enqueue", "--create", "--db", database, "--json"], standardInputFile: file)
        #expect(result.code == .failure)
        let summary = try JSONValue.parse(result.output.trimmingCharacters(in: .newlines))
        #expect(
            summary
                == .object(
                    JSONObject([
                        "accepted": .number("1"), "duplicate": .number("0"), "rejected": .number("1"),
                        "rejections": .array([
                            .object(
                                JSONObject(["line": .number("2"), "reason": .string("line must be a JSON object, got array")]))
                        ]),
                    ])))
    }

    @Test func usageErrorsExitTwoAndNameTheProblem() async {
        let unknown = await runCLI(["enqueue", "--db", "/tmp/x.sqlite3", "--fiel", "x"])
        #expect(unknown.code == .usage)
        #expect(unknown.errors.contains("unknown option --fiel (did you mean --file?)"))
        let noDatabase = await runCLI(["enqueue", "--file", "/dev/null"])
        #expect(noDatabase.code == .usage)
        #expect(noDatabase.errors.contains("no database"))
        let directory = TemporaryDirectory()
        let missingFile = await runCLI([
            "enqueue", "--create", "--db", directory.path("o.sqlite3"), "--file", "/nonexistent/wins.jsonl",
        ])
        #expect(missingFile.code == .failure)
        #expect(missingFile.errors.contains("cannot read /nonexistent/wins.jsonl"))
    }

    @Test func helpExplainsEveryCommand() async {
        let help = await runCLI(["--help"])
        #expect(help.code == .success)
        for command in CommandLineTool.commands {
            #expect(help.output.contains("  \(command.name) "))
            let commandHelp = await runCLI([command.name, "--help"])
            #expect(commandHelp.code == .success)
            for option in command.options { #expect(commandHelp.output.contains(option.name)) }
        }
    }
}

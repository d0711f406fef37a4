import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import TestSupport

/// The small traps a newcomer meets.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct CLIPolishTests {
    @Test func helpCommandAndDashHShowTheCommandsOwnHelp() async {
        let viaHelp = await runCLI(["help", "list"])
        #expect(viaHelp.code == .success)
        #expect(viaHelp.output.hasPrefix("Usage: jackpotd list "))
        let dashH = await runCLI(["list", "-h"])
        #expect(dashH.code == .success)
        #expect(dashH.output == viaHelp.output)
        let typo = await runCLI(["lsit"])
        #expect(typo.code == .usage)
        #expect(firstLine(typo.errors) == "jackpotd: error: unknown command \"lsit\" (did you mean list?)")
    }

    /// The first example of `enqueue --help`, pasted with only the config path changed.
    @Test func theEnqueueHelpExampleWorksWhenPasted() async throws {
        let help = await runCLI(["enqueue", "--help"]).output
        let lines = help.split(separator: "\n").map(String.init)
        let start = try #require(
            lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("jackpotd enqueue --config") })
        var command = ""
        for line in lines[start...] {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("\\") { command += trimmed.dropLast() + " "; continue }
            command += trimmed
            break
        }
        let words = command.split(separator: " ").map(String.init)
        #expect(words.first == "jackpotd")
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("other", operator: "casino-a")])
        let arguments = Array(words.dropFirst()).map { $0 == "/etc/jackpotd/config.json" ? fixture.configPath : $0 }
        let result = await runCLI(arguments)
        #expect(result.code == .success, "\(command): \(result.errors)")
        #expect(result.output == "accepted 585c1306f89c56f5ecfc2f5d\n")
    }

    @Test func unknownOperatorIsTheSameFailureInListExportRetryAndPause() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
        try await fixture.enqueue([winLine("u-1", operator: "casino-a")])
        for arguments in [["list", "--operator", "casino-z"], ["export", "--operator", "casino-z"], ["pause", "casino-z"]] {
            let result = await fixture.cli(arguments)
            #expect(result.code == .failure, "\(arguments)")
            #expect(result.errors == "jackpotd \(arguments[0]): error: no operator \"casino-z\" (known: casino-a, casino-b)\n")
        }
        // Configured but without wins is known: an empty list, exit 0.
        let quiet = await fixture.cli(["list", "--operator", "casino-b", "--json"])
        #expect(quiet.code == .success)
        #expect(quiet.output == "")
    }

    @Test func absoluteSinceAndUntilAreUTCBounds() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue(["n-oct", "n-nov", "n-dec"].map { winLine($0, operator: "casino-a") })
        let outbox = try fixture.outbox()
        // 2026-10-31T23:59:59Z, 2026-11-01T00:00:00Z and 2026-12-01T00:00:00Z (from Python's calendar.timegm).
        for (reference, milliseconds) in [
            ("n-oct", 1_793_491_199_000), ("n-nov", 1_793_491_200_000), ("n-dec", 1_796_083_200_000),
        ] as [(String, Int64)] {
            try outbox.database.execute(
                "UPDATE wins SET created_at = ? WHERE reference = ?", [.integer(milliseconds), .text(reference)])
        }
        let november = await fixture.cli(["list", "--json", "--since", "2026-11-01", "--until", "2026-12-01"])
        #expect(november.code == .success, "\(november.errors)")
        let references = try november.output.split(separator: "\n").map { try parseObject(String($0))["reference"] }
        #expect(references == [.string("n-nov")])
        let exported = await fixture.cli(["export", "--json", "--since", "2026-11-01T00:00Z"])
        let exportedReferences = try exported.output.split(separator: "\n").map { try parseObject(String($0))["reference"] }
        #expect(exportedReferences == [.string("n-nov"), .string("n-dec")])
        let bad = await fixture.cli(["list", "--since", "2026-13-01"])
        #expect(bad.code == .usage)
        #expect(await fixture.cli(["list", "--since", "2026-02-29"]).code == .usage)  // not a leap year
        let minute = await fixture.cli(["list", "--json", "--since", "2026-10-31 23:59", "--until", "2026-11-01T00:00:00Z"])
        #expect(try minute.output.split(separator: "\n").map { try parseObject(String($0))["reference"] } == [.string("n-oct")])
        #expect(bad.errors.contains("--since must be a duration such as 2h or 3d, or a UTC date/time"))
    }

    @Test func jsonShapesAgreeOnAttemptCount() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("j-1", operator: "casino-a")])
        let listed = try parseObject(await fixture.cli(["list", "--json"]).output)
        let exported = try parseObject(await fixture.cli(["export", "--json"]).output)
        let shown = try await fixture.showJSON("j-1")
        #expect(listed["attemptCount"] == .number("0"))
        #expect(exported["attemptCount"] == .number("0"))
        #expect(shown["attemptCount"] == .number("0"))
        #expect(listed["attempts"] == nil)
        #expect(exported["attempts"] == nil)
        #expect(shown["attempts"]?.asArray != nil)
        #expect(await fixture.cli(["export", "--json", "--format", "csv"]).code == .usage)
    }

    @Test func listNeverClipsIdentifiersAndFitsTheNoteToTheWidth() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-with-a-very-long-name")])
        let reference = "ref-" + String(repeating: "0123456789", count: 4)
        try await fixture.enqueue([winLine(reference, operator: "casino-with-a-very-long-name")])
        let reason = "voided because " + String(repeating: "the studio says so ", count: 6)
        #expect(await fixture.cli(["cancel", reference, "--reason", reason]).code == .success)
        let config = ["--config", fixture.configPath]

        let narrow = await runCLI(["list"] + config, environment: ["COLUMNS": "100"])
        #expect(narrow.output.contains(reference + " "))
        #expect(narrow.output.contains("casino-with-a-very-long-name "))
        #expect(narrow.output.contains("…"))
        let row = try #require(narrow.output.split(separator: "\n").last)
        #expect(row.count <= 100 || !row.contains(reason))

        let wide = await runCLI(["list", "--wide"] + config, environment: ["COLUMNS": "100"])
        #expect(wide.output.contains(reason.trimmingCharacters(in: .whitespaces)))
        let roomy = await runCLI(["list"] + config, environment: ["COLUMNS": "400"])
        #expect(roomy.output.contains(reason.trimmingCharacters(in: .whitespaces)))
    }
}

import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct ListCommandTests {
    static func line(_ reference: String, _ operatorName: String, user: String, amount: String) -> String {
        """
        {"operator":"\(operatorName)","userId":"\(user)","gameId":"Im_60_tumblefortune","roundId":"5103188801",\
        "amount":\(amount),"reference":"\(reference)","jackpotId":"568"}
        """
    }

    /// Five wins enqueued in order l-0 … l-4; l-0 is made three days old, l-3 and l-4 are cancelled.
    static func populated() async throws -> OpsFixture {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
        try await fixture.enqueue([
            line("l-0", "casino-a", user: "421", amount: "10"),
            line("l-1", "casino-a", user: "421", amount: "55"),
            line("l-2", "casino-b", user: "777", amount: "\"1234567890123456.78\""),
            line("l-3", "casino-a", user: "777", amount: "0.05"),
            line("l-4", "casino-b", user: "421", amount: "1250.50"),
        ])
        // Time passing for l-0: it was enqueued three days ago.
        try fixture.outbox().database.execute(
            "UPDATE wins SET created_at = created_at - 3 * 86400000 WHERE reference = 'l-0'")
        #expect(await fixture.cli(["cancel", "l-3", "l-4", "--reason", "round voided by the game studio"]).code == .success)
        return fixture
    }

    /// `list --json ARGS`, as the references in order.
    static func references(_ fixture: OpsFixture, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> [String]
    {
        let result = await fixture.cli(["list", "--json"] + arguments)
        try #require(result.code == .success, "\(result.errors)", sourceLocation: sourceLocation)
        return try result.output.split(separator: "\n").map { line in
            try #require(try parseObject(String(line))["reference"]?.stringValue, sourceLocation: sourceLocation)
        }
    }

    @Test func newestFirstAndEachFilter() async throws {
        let fixture = try await Self.populated()
        #expect(try await Self.references(fixture, []) == ["l-4", "l-3", "l-2", "l-1", "l-0"])
        #expect(try await Self.references(fixture, ["--state", "cancelled"]) == ["l-4", "l-3"])
        #expect(try await Self.references(fixture, ["--state", "pending"]) == ["l-2", "l-1", "l-0"])
        #expect(try await Self.references(fixture, ["--operator", "casino-b"]) == ["l-4", "l-2"])
        #expect(try await Self.references(fixture, ["--user", "777"]) == ["l-3", "l-2"])
        #expect(try await Self.references(fixture, ["--since", "1d"]) == ["l-4", "l-3", "l-2", "l-1"])
        #expect(try await Self.references(fixture, ["--since", "4d"]) == ["l-4", "l-3", "l-2", "l-1", "l-0"])
        #expect(try await Self.references(fixture, ["--since", "2.5d"]) == ["l-4", "l-3", "l-2", "l-1"])
        #expect(try await Self.references(fixture, ["--limit", "2"]) == ["l-4", "l-3"])
        #expect(try await Self.references(fixture, ["--operator", "casino-a", "--user", "421"]) == ["l-1", "l-0"])
        #expect(try await Self.references(fixture, ["--operator", "casino-a", "--state", "delivered"]) == [])
    }

    @Test func jsonIsOneObjectPerLineWithExactAmounts() async throws {
        let fixture = try await Self.populated()
        let result = await fixture.cli(["list", "--json"])
        #expect(result.code == .success)
        let objects = try result.output.split(separator: "\n").map { try parseObject(String($0)) }
        #expect(objects.count == 5)
        let byReference = Dictionary(
            uniqueKeysWithValues: try objects.map { object in
                (try #require(object["reference"]?.stringValue, "no reference in \(object)"), object)
            })
        #expect(byReference["l-2"]?["amount"] == .number("1234567890123456.78"))
        #expect(byReference["l-3"]?["amount"] == .number("0.05"))
        #expect(byReference["l-4"]?["amount"] == .number("1250.5"))
        #expect(byReference["l-2"]?["operator"] == .string("casino-b"))
        #expect(byReference["l-2"]?["userId"] == .string("777"))
        #expect(byReference["l-2"]?["state"] == .string("pending"))
        #expect(byReference["l-4"]?["state"] == .string("cancelled"))
        #expect(byReference["l-4"]?["attemptCount"] == .number("0"))
        #expect(byReference["l-1"]?["transactionId"] == .null)
    }

    @Test func tableIsNewestFirstWithin80Columns() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a")])
        // Operators' usual 24-character references, and notes longer than the room left.
        let references = (0..<4).map { String(format: "585c1306f89c56f5ecfc%04x", $0) }
        try await fixture.enqueue(references.map { Self.line($0, "casino-a", user: "421", amount: "1250.50") })
        let reason = "player self-excluded after the round; refunded by the cashier, see ticket 8812"
        #expect(await fixture.cli(["cancel", references[1], "--reason", reason]).code == .success)

        let result = await fixture.cli(["list"])
        #expect(result.code == .success)
        #expect(widestLine(result.output) <= 80, "\n\(result.output)")
        let rows = result.output.split(separator: "\n")
        #expect(rows.first?.hasPrefix("reference ") == true)
        #expect(rows.dropFirst().map { String($0.prefix(24)) } == references.reversed())
        let cancelled = try #require(rows.first { $0.hasPrefix(references[1]) })
        #expect(cancelled.contains("cancelled"))
        #expect(cancelled.contains("  player self-"))
        #expect(cancelled.hasSuffix("…"))
    }

    @Test func noMatchSaysSoAndSucceeds() async throws {
        let fixture = try await Self.populated()
        let result = await fixture.cli(["list", "--state", "failed"])
        #expect(result.code == .success)
        #expect(result.output.isEmpty)
        #expect(result.errors == "no wins match\n")
    }

    @Test func badStateListsTheValidOnes() async throws {
        let fixture = try await Self.populated()
        let result = await fixture.cli(["list", "--state", "done"])
        #expect(result.code == .usage)
        #expect(
            firstLine(result.errors)
                == "jackpotd list: error: unknown state \"done\" (expected one of: pending, sending, delivered, failed, cancelled)"
        )
        #expect(result.output.isEmpty)
    }

    @Test(arguments: [
        (["--limit", "0"], "--limit must be a whole number from 1 to 1000000, got \"0\""),
        (["--limit", "ten"], "--limit must be a whole number from 1 to 1000000, got \"ten\""),
        (["--since", "yesterday"], "--since must be a duration such as 90s, 15m, 2h or 3d, got \"yesterday\""),
        (["--since", "-2h"], "--since must be a duration such as 90s, 15m, 2h or 3d, got \"-2h\""),
        (["--state"], "option --state needs a value (S)"),
    ])
    func badValuesAreUsageErrors(_ arguments: [String], message: String) async throws {
        let fixture = try OpsFixture()
        // --config first: "--state --config FILE" would read --config as the state.
        let result = await runCLI(["list", "--config", fixture.configPath] + arguments)
        #expect(result.code == .usage)
        #expect(firstLine(result.errors) == "jackpotd list: error: \(message)")
    }
}

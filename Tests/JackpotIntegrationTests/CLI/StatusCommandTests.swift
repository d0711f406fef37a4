import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct StatusCommandTests {
    /// Wins in every state across two operators, reached the way production
    /// reaches them: delivered and failed (error 120) by a real dispatcher over
    /// HTTP, cancelled and paused through the CLI, one leased as a daemon would.
    static func populated() async throws -> OpsFixture {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
        fixture.wallet("casino-b").setFaultPlan { _ in .errorCode(120, description: "Player blocked") }
        try await fixture.enqueue(
            ["a-1", "a-2", "a-3", "a-4"].map { winLine($0, operator: "casino-a") }
                + ["b-1", "b-2"].map { winLine($0, operator: "casino-b") })
        #expect(await fixture.cli(["cancel", "a-4", "--reason", "duplicate round"]).code == .success)
        #expect(try await fixture.deliver { try $0.count(.delivered) == 3 && $0.count(.failed) == 2 })

        try await fixture.enqueue(["a-5", "a-6"].map { winLine($0, operator: "casino-a") })
        let now = WallClock.nowMilliseconds()
        let leased = try fixture.outbox().claim(
            operator: "casino-a", limit: 1, owner: "other-host:4242", leaseExpiresAt: now + 60_000, now: now)
        #expect(leased.count == 1)
        #expect(await fixture.cli(["pause", "casino-b", "--reason", "wallet migration"]).code == .success)
        return fixture
    }

    @Test func jsonCountsEveryStateAndEachOperatorsFlags() async throws {
        let fixture = try await Self.populated()
        let status = try await fixture.statusJSON()

        let counts = try #require(status["counts"]?.objectValue)
        #expect(counts.keys == WinState.allCases.map(\.rawValue))
        #expect(counts["pending"] == .number("1"))
        #expect(counts["sending"] == .number("1"))
        #expect(counts["delivered"] == .number("3"))
        #expect(counts["failed"] == .number("2"))
        #expect(counts["cancelled"] == .number("1"))

        let operators = try #require(status["operators"]?.objectValue)
        #expect(operators.keys == ["casino-a", "casino-b"])
        let a = try #require(operators["casino-a"]?.objectValue)
        let aCounts = try #require(a["counts"]?.objectValue)
        #expect(aCounts["pending"] == .number("1"))
        #expect(aCounts["sending"] == .number("1"))
        #expect(aCounts["delivered"] == .number("3"))
        #expect(aCounts["failed"] == .number("0"))
        #expect(aCounts["cancelled"] == .number("1"))
        #expect(a["paused"] == .bool(false))
        #expect(a["circuit"] == .string("closed"))
        #expect(a["deliveredLastHour"] == .number("3"))

        let b = try #require(operators["casino-b"]?.objectValue)
        #expect(b["counts"]?.objectValue?["failed"] == .number("2"))
        #expect(b["counts"]?.objectValue?["delivered"] == .number("0"))
        #expect(b["paused"] == .bool(true))
        #expect(b["pauseReason"] == .string("wallet migration"))
        #expect(b["circuit"] == .string("closed"))
    }

    @Test func textTableShowsTheSameNumbersWithin80Columns() async throws {
        let fixture = try await Self.populated()
        let result = await fixture.cli(["status"])
        #expect(result.code == .success)
        #expect(widestLine(result.output) <= 80, "\n\(result.output)")

        // The table ends at the first blank line (notes such as refusing operators follow).
        let table = result.output.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
        let rows = Dictionary(
            uniqueKeysWithValues: try table.map { line in
                let cells = line.split(separator: " ").map(String.init)
                return (try #require(cells.first, "blank line in\n\(result.output)"), cells)
            })
        // operator, pending, sending, delivered, failed, cancelled, …
        #expect(rows["casino-a"]?[1...5] == ["1", "1", "3", "0", "1"])
        #expect(rows["casino-b"]?[1...5] == ["0", "0", "0", "2", "0"])
        #expect(rows["TOTAL"]?[1...5] == ["1", "1", "3", "2", "1"])
        #expect(rows["casino-b"]?.contains("PAUSED") == true)
        #expect(rows["casino-a"]?.contains("closed") == true)
    }

    /// An operator that refuses connections opens its circuit; status shows it
    /// for that operator only, and the table still fits 80 columns with a retry
    /// due later and a pending win days old.
    @Test func openCircuitIsShownPerOperator() async throws {
        let fixture = try OpsFixture([
            FixtureOperator("casino-a"),
            FixtureOperator("casino-d", extra: "\"circuit\": {\"failureThreshold\": 1, \"openSeconds\": 120}"),
        ])
        fixture.wallet("casino-d").stop()
        try await fixture.enqueue([winLine("d-1", operator: "casino-d"), winLine("a-1", operator: "casino-a")])
        #expect(
            try await fixture.deliver { fixture in
                try fixture.outbox().operatorStates()["casino-d"]?.circuitState == .open && fixture.count(.delivered) == 1
            })
        // A win the platform wrote two days ago by plain SQL, next retry in 12 minutes.
        let now = WallClock.nowMilliseconds()
        try fixture.outbox().database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, created_at, next_attempt_at)
            VALUES ('585c1306f89c56f5ecfc2f5d', 'casino-a', '421', 'Im_60_tumblefortune', '5103188801', '55', '568', ?, ?)
            """, [.integer(now - 2 * 86_400_000), .integer(now + 12 * 60_000)])

        let status = try await fixture.statusJSON()
        let d = try #require(status["operators"]?.objectValue?["casino-d"]?.objectValue)
        #expect(d["circuit"] == .string("open"))
        #expect(d["circuitOpenUntil"]?.stringValue != nil)
        #expect(d["counts"]?.objectValue?["pending"] == .number("1"))
        #expect(status["operators"]?.objectValue?["casino-a"]?.objectValue?["circuit"] == .string("closed"))
        #expect(try fixture.win("d-1").attempts == 1)

        let text = await fixture.cli(["status"])
        #expect(text.code == .success)
        #expect(widestLine(text.output) <= 80, "\n\(text.output)")
        let rowD = try #require(text.output.split(separator: "\n").first { $0.hasPrefix("casino-d ") })
        #expect(rowD.contains(" open "))
        let rowA = try #require(text.output.split(separator: "\n").first { $0.hasPrefix("casino-a ") })
        #expect(rowA.contains(" 2d00h "))
        #expect(rowA.contains(" in 1"))
    }

    /// `--watch` redraws until interrupted, so a win enqueued meanwhile shows up.
    @Test func watchRedrawsWithNewCounts() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("w-1", operator: "casino-a")])
        let output = TextOutput.capturing()
        let context = CommandContext(
            output: output, errors: TextOutput.capturing(), environment: [:], configPath: fixture.configPath)
        let watching = Task { await CommandLineTool.run(["status", "--watch"], context: context) }
        defer { watching.cancel() }

        func pendingTotals() -> [String] {
            output.text.split(separator: "\n").filter { $0.hasPrefix("TOTAL ") }.map { String($0.split(separator: " ")[1]) }
        }
        #expect(await eventually(within: 10) { pendingTotals().first == "1" })
        try await fixture.enqueue([winLine("w-2", operator: "casino-a")])
        #expect(await eventually(within: 10) { pendingTotals().contains("2") })
        #expect(pendingTotals().count >= 2)
    }

    @Test func positionalArgumentIsAUsageError() async throws {
        let fixture = try OpsFixture()
        let result = await fixture.cli(["status", "casino-a"])
        #expect(result.code == .usage)
        #expect(firstLine(result.errors) == "jackpotd status: error: unexpected argument \"casino-a\"")
    }
}

import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct PurgeCommandTests {
    /// Three delivered wins (one after a 503, so with two attempts), one failed
    /// (error 120), one cancelled and one pending.
    static func populated() async throws -> OpsFixture {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
        fixture.wallet("casino-a").enqueueFaults([.status(503, body: "busy")])
        fixture.wallet("casino-b").setFaultPlan { _ in .errorCode(120, description: "Player blocked") }
        try await fixture.enqueue(
            ["a-1", "a-2", "a-3", "a-4"].map { winLine($0, operator: "casino-a") } + [winLine("b-1", operator: "casino-b")])
        #expect(await fixture.cli(["cancel", "a-4", "--reason", "voided"]).code == .success)
        #expect(try await fixture.deliver { try $0.count(.delivered) == 3 && $0.count(.failed) == 1 })
        try await fixture.enqueue([winLine("a-5", operator: "casino-a")])
        return fixture
    }

    @Test func zeroDaysRemovesEveryDeliveredWinWithItsAttemptsAndNothingElse() async throws {
        let fixture = try await Self.populated()
        #expect(try fixture.count("SELECT count(*) FROM attempts") == 5)
        let result = await fixture.cli(["purge", "--delivered-older-than", "0"])
        #expect(result.code == .success)
        #expect(result.output == "purged 3 delivered wins with their attempts\n")

        #expect(try fixture.count(.delivered) == 0)
        #expect(try fixture.count("SELECT count(*) FROM attempts") == 1)
        #expect(try fixture.count("SELECT count(*) FROM attempts WHERE win_id NOT IN (SELECT id FROM wins)") == 0)
        let left = try fixture.outbox().wins(WinFilter()).map(\.reference).sorted()
        #expect(left == ["a-4", "a-5", "b-1"])
        let counts = try #require(try await fixture.statusJSON()["counts"]?.objectValue)
        #expect(counts["delivered"] == .number("0"))
        #expect(counts["failed"] == .number("1"))
        #expect(counts["cancelled"] == .number("1"))
        #expect(counts["pending"] == .number("1"))

        let again = await fixture.cli(["purge", "--delivered-older-than", "0", "--json"])
        #expect(again.output == "{\"purged\":0}\n")
    }

    /// Fractions of a day work: a win delivered a day ago goes at 0.5, today's stays.
    @Test func fractionalDaysKeepRecentDeliveries() async throws {
        let fixture = try await Self.populated()
        let dayAgo = WallClock.nowMilliseconds() - 86_400_000
        try fixture.outbox().database.execute(
            "UPDATE wins SET delivered_at = ? WHERE reference = 'a-1'", [.integer(dayAgo)])

        let result = await fixture.cli(["purge", "--delivered-older-than", "0.5", "--json"])
        #expect(result.code == .success)
        #expect(result.output == "{\"purged\":1}\n")
        #expect(try fixture.outbox().win(reference: "a-1") == nil)
        #expect(try fixture.win("a-2").state == .delivered)
        #expect(try fixture.win("a-3").state == .delivered)
    }

    @Test(arguments: [
        (["--delivered-older-than", "-1"], "--delivered-older-than must be a non-negative number, got \"-1\""),
        (["--delivered-older-than", "thirty"], "--delivered-older-than must be a non-negative number, got \"thirty\""),
        (["--delivered-older-than", "1e3"], "--delivered-older-than must be a non-negative number, got \"1e3\""),
        (["--delivered-older-than", "30x"], "--delivered-older-than must be a non-negative number, got \"30x\""),
        (["--delivered-older-than", "-3d"], "--delivered-older-than must be a duration such as 90s, 15m, 2h or 3d, got \"-3d\""),
        ([], "--delivered-older-than AGE is required"),
    ])
    func badDaysAreUsageErrorsAndPurgeNothing(_ arguments: [String], message: String) async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("d-1", operator: "casino-a")])
        #expect(try await fixture.deliver { try $0.count(.delivered) == 1 })
        let result = await fixture.cli(["purge"] + arguments)
        #expect(result.code == .usage)
        #expect(firstLine(result.errors) == "jackpotd purge: error: \(message)")
        #expect(try fixture.count(.delivered) == 1)
    }
}

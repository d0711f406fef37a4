import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct RetryCommandTests {
    /// Wins that casino-a refused with error 120 (no retry): they are `failed`.
    /// The wallet keeps refusing until its fault plan is cleared.
    static func failedWins(_ references: [String]) async throws -> OpsFixture {
        let fixture = try OpsFixture()
        try await fixture.enqueue(references.map { winLine($0, operator: "casino-a") })
        fixture.wallet("casino-a").setFaultPlan { _ in .errorCode(120, description: "Player blocked") }
        #expect(try await fixture.deliver { try $0.count(.failed) == references.count })
        return fixture
    }

    @Test func failedWinsBecomeDueNowAndAreDeliveredOnceTheOperatorIsFixed() async throws {
        let fixture = try await Self.failedWins(["r-1", "r-2", "r-3"])
        let failed = try fixture.win("r-1")
        #expect(failed.lastError?.contains("120") == true)
        #expect(failed.attempts == 1)

        let before = WallClock.nowMilliseconds()
        let one = await fixture.cli(["retry", "r-1"])
        #expect(one.code == .success)
        #expect(one.output == "r-1: pending, due now\n")
        let retried = try fixture.win("r-1")
        #expect(retried.state == .pending)
        #expect(retried.nextAttemptAt >= before && retried.nextAttemptAt <= WallClock.nowMilliseconds())
        #expect(retried.attempts == 1)

        let all = await fixture.cli(["retry", "--operator", "casino-a"])
        #expect(all.code == .success)
        #expect(all.output == "2 failed wins of casino-a due now\n")
        #expect(try fixture.count(.pending) == 3)

        fixture.wallet("casino-a").setFaultPlan(nil)
        #expect(try await fixture.deliver { try $0.count(.delivered) == 3 })
        #expect(fixture.wallet("casino-a").snapshot.credited == 3)
        #expect(try fixture.win("r-2").attempts == 2)
    }

    @Test func retryOfADeliveredWinIsRefusedAndLeavesItUntouched() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("d-1", operator: "casino-a")])
        #expect(try await fixture.deliver { try $0.count(.delivered) == 1 })
        let before = try fixture.win("d-1")
        let attemptsBefore = try fixture.count("SELECT count(*) FROM attempts")

        let result = await fixture.cli(["retry", "d-1"])
        #expect(result.code == .failure)
        #expect(result.output.isEmpty)
        #expect(
            result.errors == "jackpotd retry: error: d-1 is delivered; the operator has credited it, it is never sent again\n")
        #expect(try fixture.win("d-1") == before)
        #expect(try fixture.count("SELECT count(*) FROM attempts") == attemptsBefore)
    }

    @Test func cancelledWinBecomesPendingWithoutItsCancelReason() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue(["c-1", "c-2"].map { winLine($0, operator: "casino-a") })
        #expect(await fixture.cli(["cancel", "c-1", "c-2", "--reason", "wrong operator"]).code == .success)

        let one = await fixture.cli(["retry", "c-1"])
        #expect(one.code == .success)
        let win = try await fixture.showJSON("c-1")
        #expect(win["state"] == .string("pending"))
        #expect(win["cancelReason"] == .null)
        #expect(win["cancelledAt"] == .null)

        let byState = await fixture.cli(["retry", "--operator", "casino-a", "--state", "cancelled"])
        #expect(byState.code == .success)
        #expect(byState.output == "1 cancelled win of casino-a due now\n")
        #expect(try fixture.win("c-2").state == .pending)
    }

    /// Known references are retried even when another one is unknown; the unknown one is named and the exit is 1.
    @Test func unknownReferenceIsNamedAndTheOthersAreStillRetried() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("u-1", operator: "casino-a")])
        #expect(await fixture.cli(["cancel", "u-1", "--reason", "hold"]).code == .success)

        let result = await fixture.cli(["retry", "nope-1", "u-1"])
        #expect(result.code == .failure)
        #expect(result.errors == "jackpotd retry: error: no win with reference \"nope-1\"\n")
        #expect(result.output == "u-1: pending, due now\n")
        #expect(try fixture.win("u-1").state == .pending)
    }

    @Test func unknownOperatorIsAnErrorNotZeroWins() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("o-1", operator: "casino-a")])
        let result = await fixture.cli(["retry", "--operator", "casino-zz"])
        #expect(result.code == .failure)
        #expect(result.errors.hasPrefix("jackpotd retry: error: no operator \"casino-zz\" (known: casino-a"))
    }

    @Test(arguments: [
        (["retry"], "name at least one REFERENCE, or --operator O"),
        (["retry", "r-1", "--operator", "casino-a"], "give references or --operator, not both"),
        (["retry", "r-1", "--state", "failed"], "--state goes with --operator"),
        (
            ["retry", "--operator", "casino-a", "--state", "delivered"],
            "--state must be failed, cancelled or pending (a delivered win cannot be retried)"
        ),
        (
            ["retry", "--operator", "casino-a", "--state", "broken"],
            "unknown state \"broken\" (expected one of: pending, sending, delivered, failed, cancelled)"
        ),
    ])
    func usageErrors(_ arguments: [String], message: String) async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("r-1", operator: "casino-a")])
        let result = await fixture.cli(arguments)
        #expect(result.code == .usage)
        #expect(firstLine(result.errors) == "jackpotd retry: error: \(message)")
        #expect(try fixture.win("r-1").state == .pending)
    }
}

import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct CancelCommandTests {
    @Test func cancelKeepsTheReasonAndTimeAndTheWinIsNeverSent() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue(["c-1", "c-2"].map { winLine($0, operator: "casino-a") })
        let reason = "round voided by the studio, ticket #8812"
        let before = WallClock.nowMilliseconds()
        let result = await fixture.cli(["cancel", "c-1", "--reason", reason])
        let after = WallClock.nowMilliseconds()
        #expect(result.code == .success)
        #expect(result.output == "c-1: cancelled\n")
        #expect(result.errors.isEmpty)

        let stored = try fixture.win("c-1")
        let cancelledAt = try #require(stored.cancelledAt)
        #expect(cancelledAt >= before && cancelledAt <= after)
        let shown = try await fixture.showJSON("c-1")
        #expect(shown["state"] == .string("cancelled"))
        #expect(shown["cancelReason"] == .string(reason))
        #expect(shown["cancelledAt"] == .string(try #require(TimeFormat.iso8601(cancelledAt))))
        let text = await fixture.cli(["show", "c-1"])
        #expect(ShowCommandTests.field("cancelled", in: text.output) == "\(TimeFormat.timestamp(cancelledAt)): \(reason)")

        // The daemon delivers the other win and never sends the cancelled one.
        #expect(try await fixture.deliver { try $0.count(.delivered) == 1 })
        #expect(fixture.wallet("casino-a").credit(for: "c-1") == nil)
        #expect(fixture.wallet("casino-a").snapshot.requests == 1)
        #expect(try fixture.win("c-1").state == .cancelled)
        #expect(try fixture.win("c-1").attempts == 0)
    }

    @Test func failedWinsCanBeCancelledToo() async throws {
        let fixture = try OpsFixture()
        fixture.wallet("casino-a").setFaultPlan { _ in .errorCode(120, description: "Player blocked") }
        try await fixture.enqueue(["f-1", "f-2"].map { winLine($0, operator: "casino-a") })
        #expect(try await fixture.deliver { try $0.count(.failed) == 2 })
        let result = await fixture.cli(["cancel", "f-1", "f-2", "--reason", "player account closed"])
        #expect(result.code == .success)
        #expect(result.output == "f-1: cancelled\nf-2: cancelled\n")
        #expect(try fixture.count(.cancelled) == 2)
    }

    @Test func cancelOfADeliveredWinIsRefusedAndLeavesItUntouched() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("d-1", operator: "casino-a")])
        #expect(try await fixture.deliver { try $0.count(.delivered) == 1 })
        let before = try fixture.win("d-1")

        let result = await fixture.cli(["cancel", "d-1", "--reason", "too late"])
        #expect(result.code == .failure)
        #expect(result.output.isEmpty)
        #expect(result.errors == "jackpotd cancel: error: d-1 is already delivered\n")
        #expect(try fixture.win("d-1") == before)
    }

    @Test func unknownReferenceIsNamedAndTheOthersAreStillCancelled() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("k-1", operator: "casino-a")])
        let result = await fixture.cli(["cancel", "k-1", "nope-1", "--reason", "test"])
        #expect(result.code == .failure)
        #expect(result.output == "k-1: cancelled\n")
        #expect(result.errors == "jackpotd cancel: error: no win with reference \"nope-1\"\n")
        #expect(try fixture.win("k-1").state == .cancelled)
    }

    @Test(arguments: [
        (["cancel", "k-1"], "--reason TEXT is required"),
        (["cancel", "k-1", "--reason", "   "], "--reason TEXT is required"),
        (["cancel", "--reason", "why"], "missing REFERENCE"),
    ])
    func usageErrorsChangeNothing(_ arguments: [String], message: String) async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("k-1", operator: "casino-a")])
        let result = await fixture.cli(arguments)
        #expect(result.code == .usage)
        #expect(firstLine(result.errors) == "jackpotd cancel: error: \(message)")
        #expect(try fixture.win("k-1").state == .pending)
    }
}

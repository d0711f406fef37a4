import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct PauseResumeCommandTests {
    static func operatorStatus(_ fixture: OpsFixture, _ name: String) async throws -> JSONObject {
        try #require(try await fixture.statusJSON()["operators"]?.objectValue?[name]?.objectValue)
    }

    @Test func pauseAndResumeFlipTheFlagShownByStatus() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
        try await fixture.enqueue([winLine("p-1", operator: "casino-a")])

        let pause = await fixture.cli(["pause", "casino-a", "--reason", "wallet maintenance until 14:00"])
        #expect(pause.code == .success)
        #expect(pause.output == "casino-a: paused\n")
        var a = try await Self.operatorStatus(fixture, "casino-a")
        #expect(a["paused"] == .bool(true))
        #expect(a["pauseReason"] == .string("wallet maintenance until 14:00"))
        #expect(await fixture.cli(["status"]).output.contains("PAUSED"))

        let again = await fixture.cli(["pause", "casino-a"])
        #expect(again.code == .success)
        #expect(again.output == "casino-a: already paused\n")

        let resume = await fixture.cli(["resume", "casino-a"])
        #expect(resume.code == .success)
        #expect(resume.output == "casino-a: resumed\n")
        a = try await Self.operatorStatus(fixture, "casino-a")
        #expect(a["paused"] == .bool(false))
        #expect(a["pauseReason"] == .null)
        #expect(!(await fixture.cli(["status"]).output.contains("PAUSED")))

        let resumeAgain = await fixture.cli(["resume", "casino-a"])
        #expect(resumeAgain.code == .success)
        #expect(resumeAgain.output == "casino-a: was not paused\n")
    }

    /// A paused operator gets no calls from a running daemon; resuming it lets its wins go, in the same daemon.
    @Test func pauseHoldsWinsInARunningDaemonUntilResumed() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
        // The outbox must exist before an operator can be paused (only run and enqueue --create make one).
        try await fixture.enqueue([winLine("p-a", operator: "casino-a"), winLine("p-b", operator: "casino-b")])
        #expect(await fixture.cli(["pause", "casino-a"]).code == .success)

        try await fixture.withDispatcher { () async throws in
            #expect(await eventually { (try? fixture.win("p-b").state) == .delivered })
            #expect(fixture.wallet("casino-a").snapshot.requests == 0)
            #expect(try fixture.win("p-a").state == .pending)
            #expect(try fixture.win("p-a").attempts == 0)

            #expect(await fixture.cli(["resume", "casino-a"]).code == .success)
            #expect(await eventually { (try? fixture.win("p-a").state) == .delivered })
        }
        #expect(fixture.wallet("casino-a").credit(for: "p-a")?.timesReceived == 1)
    }

    @Test(arguments: ["pause", "resume"])
    func unknownOperatorIsNamedWithTheKnownOnes(_ command: String) async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
        try await fixture.enqueue([winLine("p-1", operator: "casino-a")])
        let result = await fixture.cli([command, "casino-z"])
        #expect(result.code == .failure)
        #expect(result.output.isEmpty)
        #expect(result.errors == "jackpotd \(command): error: no operator \"casino-z\" (known: casino-a, casino-b)\n")
        #expect(try fixture.outbox().operatorStates()["casino-z"] == nil)
    }

    /// With --db alone, the operators the outbox has seen are the known ones.
    @Test func databaseAloneKnowsTheOperatorsOfTheOutbox() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
        try await fixture.enqueue([winLine("p-1", operator: "casino-a")])
        let known = await runCLI(["pause", "casino-a", "--db", fixture.databasePath])
        #expect(known.code == .success)
        #expect(try fixture.outbox().operatorStates()["casino-a"]?.paused == true)

        let unknown = await runCLI(["pause", "casino-b", "--db", fixture.databasePath])
        #expect(unknown.code == .failure)
        #expect(unknown.errors == "jackpotd pause: error: no operator \"casino-b\" (known: casino-a)\n")
    }
}

import Testing
import TestSupport
import JackpotDelivery
import JackpotStore

/// `jackpotd pause` and `resume` from another process reach the lanes: each
/// change is seen once, logged, and wakes the loop.
@Suite(.timeLimit(.minutes(2))) struct PauseFlagReaderTests {
    @Test func aPauseAndAResumeWrittenByAnotherProcessAreEachSeenOnce() async throws {
        let fixture = try await MaintenanceFixture(operators: [
            MaintenanceFixture.operatorConfig("casino-a"), MaintenanceFixture.operatorConfig("casino-b"),
        ])
        let reader = PauseFlagReader(dispatcher: fixture.dispatcher)
        let before = try await reader.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(before.paused.isEmpty && before.resumed.isEmpty)
        #expect(!before.wakesLoop)

        try fixture.withOutbox { outbox in
            _ = try outbox.setPaused(operator: "casino-b", true, reason: "wallet maintenance", now: fixture.clock.now, by: "ops")
        }
        let paused = try await reader.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(paused.paused == ["casino-b"])
        #expect(paused.resumed.isEmpty)
        #expect(paused.wakesLoop)
        #expect(fixture.logged("operator_paused", "operator=casino-b"))

        let again = try await reader.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(again.paused.isEmpty && again.resumed.isEmpty)

        try fixture.withOutbox { outbox in
            _ = try outbox.setPaused(operator: "casino-b", false, reason: nil, now: fixture.clock.now, by: "ops")
        }
        let resumed = try await reader.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(resumed.resumed == ["casino-b"])
        #expect(resumed.paused.isEmpty)
        #expect(fixture.logged("operator_resumed", "operator=casino-b"))
        // The flag is read, never written: the row is as `resume` left it.
        #expect(try fixture.probe.operatorState("casino-b")?.paused == false)
        #expect(try fixture.probe.operatorState("casino-a")?.paused == false)
    }
}

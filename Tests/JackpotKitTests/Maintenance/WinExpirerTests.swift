import Testing
import TestSupport
import JackpotDelivery
import JackpotStore

/// Pending wins older than their operator's max age are parked `failed`; the
/// age is each operator's own, and counts from enqueue.
@Suite(.timeLimit(.minutes(2))) struct WinExpirerTests {
    static let hour: Int64 = 3_600_000

    @Test func aPendingWinPastItsOperatorsMaxAgeIsParkedAndAYoungerOneWaits() async throws {
        let fixture = try await MaintenanceFixture(operators: [
            MaintenanceFixture.operatorConfig("casino-a", maxAgeHours: 1),
            MaintenanceFixture.operatorConfig("casino-b", maxAgeHours: 2),
        ])
        let start = fixture.clock.now
        try fixture.probe.enqueue(["a-old"], operator: "casino-a", now: start)
        try fixture.probe.enqueue(["b-old"], operator: "casino-b", now: start)
        try fixture.probe.enqueue(["a-young"], operator: "casino-a", now: start + Self.hour / 2)
        let expirer = WinExpirer(dispatcher: fixture.dispatcher)

        fixture.clock.set(start + Self.hour)
        #expect(try await expirer.runOnce(on: fixture.store, now: fixture.clock.now).expired.isEmpty)

        fixture.clock.set(start + Self.hour + 1)
        let first = try await expirer.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(first.expired == ["casino-a": ["a-old"]])
        let parked = try #require(try fixture.probe.win("a-old"))
        #expect(parked.state == .failed)
        #expect(parked.lastError == "not delivered within maxAgeHours (1 h)")
        #expect(parked.updatedAt == start + Self.hour + 1)
        #expect(try fixture.probe.win("a-young")?.state == .pending)
        #expect(try fixture.probe.win("b-old")?.state == .pending)
        #expect(fixture.logged("win_failed", "reference=a-old", "reason=\"max age\""))

        fixture.clock.set(start + 2 * Self.hour + 1)
        let second = try await expirer.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(second.expired == ["casino-a": ["a-young"], "casino-b": ["b-old"]])
        #expect(try fixture.probe.count(.failed) == 3)
    }

    @Test func winsOfAnOperatorNotConfiguredAreLeftAlone() async throws {
        let fixture = try await MaintenanceFixture(operators: [MaintenanceFixture.operatorConfig("casino-a", maxAgeHours: 1)])
        let start = fixture.clock.now
        try fixture.probe.enqueue(["elsewhere"], operator: "casino-z", now: start)

        let pass = try await WinExpirer(dispatcher: fixture.dispatcher).runOnce(on: fixture.store, now: start + 10 * Self.hour)
        #expect(pass.expired.isEmpty)
        #expect(try fixture.probe.win("elsewhere")?.state == .pending)
    }
}

import Testing
import TestSupport
import JackpotConfiguration
import JackpotDelivery
import JackpotStore

/// Lanes a configure adds (every lane, at a start) have not claimed yet: the
/// first pass's claim turn tells quiet ones from backlogged ones by what the
/// outbox holds for them.
@Suite(.timeLimit(.minutes(2))) struct QuietLaneSeedTests {
    /// Enough backlogged lanes of a dozen due wins each that their claims
    /// overflow one pass's win budget (`ClaimTurn.defaultWinBudget`).
    static let backloggedOperators = ClaimTurn.defaultWinBudget / 12 + 8

    @Test func aQuietOperatorSortedAfterBackloggedOnesClaimsInTheFirstPass() async throws {
        let fixture = try await MaintenanceFixture()
        let now = fixture.clock.now
        let backlogged = (0..<Self.backloggedOperators).map { "down\(100 + $0)" }
        for name in backlogged {
            try fixture.probe.enqueue(winReferences(name, 12), operator: name, now: now - 1_000)
        }
        try fixture.probe.enqueue(["quiet-1"], operator: "quiet", now: now - 1_000)
        let names = ["casino-a"] + backlogged + ["quiet"]
        fixture.dispatcher.apply(
            JackpotConfig(
                providerId: "provider-1",
                operators: Dictionary(uniqueKeysWithValues: names.map { ($0, MaintenanceFixture.operatorConfig($0)) })))

        _ = try await fixture.store.claimStep(now: now)

        #expect(try fixture.probe.win("quiet-1")?.state == .sending)
        // The backlogged lanes still claim in turn, within one pass's budget.
        let claimedBacklog = try fixture.probe.count(.sending) - 1
        #expect(claimedBacklog > 0 && claimedBacklog <= ClaimTurn.defaultWinBudget)
        #expect(try fixture.probe.win("\(backlogged.last!)-0001")?.state == .pending)
    }
}

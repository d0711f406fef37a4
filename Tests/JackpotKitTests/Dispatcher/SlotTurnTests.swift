import Testing
import JackpotDelivery

/// How free global slots are shared among lanes with work, driven with plain
/// values: lanes are indexes, a pass frees a number of slots.
@Suite struct SlotTurnTests {
    /// Runs one pass over `wanting` (calls each lane would start), with `slots`
    /// free and `inFlight` calls per lane (each call served adds one): the lanes served, in order.
    private static func pass(_ turn: inout SlotTurn, wanting: inout [Int], slots: Int, inFlight: inout [Int]) -> [Int] {
        var served: [Int] = []
        var free = slots
        var calls = inFlight
        defer { inFlight = calls }
        turn.share(among: wanting.count) { lane, round in
            if case .lanesWithoutCalls = round, calls[lane] > 0 { return .nothing }
            guard wanting[lane] > 0 else { return .nothing }
            guard free > 0 else { return .slotsGone }
            free -= 1
            wanting[lane] -= 1
            calls[lane] += 1
            served.append(lane)
            return .took
        }
        return served
    }

    @Test func aPassThatRunsOutOfSlotsIsContinuedByTheNextFromTheLaneThatFoundNone() {
        var turn = SlotTurn()
        var wanting = Array(repeating: 100, count: 5)
        var inFlight = Array(repeating: 1, count: 5)
        #expect(Self.pass(&turn, wanting: &wanting, slots: 2, inFlight: &inFlight) == [0, 1])
        #expect(Self.pass(&turn, wanting: &wanting, slots: 2, inFlight: &inFlight) == [2, 3])
        #expect(Self.pass(&turn, wanting: &wanting, slots: 2, inFlight: &inFlight) == [4, 0])
        #expect(turn.next == 1)
    }

    @Test func everyLaneWithWorkIsServedOnceBeforeAnyIsServedTwice() {
        var turn = SlotTurn()
        // Lane 999 is the last in name order; one slot frees per pass.
        var wanting = Array(repeating: 10, count: 1_000)
        var inFlight = Array(repeating: 1, count: 1_000)
        var served: [Int] = []
        for _ in 0..<1_000 { served += Self.pass(&turn, wanting: &wanting, slots: 1, inFlight: &inFlight) }
        #expect(served == Array(0..<1_000))
    }

    @Test func lanesWithoutWorkAreSkippedAndSlotsGoRoundAgainUntilNoneTakes() {
        var turn = SlotTurn()
        var wanting = [0, 2, 0, 1]
        var inFlight = [0, 0, 0, 0]
        #expect(Self.pass(&turn, wanting: &wanting, slots: 10, inFlight: &inFlight) == [1, 3, 1])
        #expect(wanting == [0, 0, 0, 0])
        // The next pass starts after the last lane served.
        #expect(turn.next == 2)
    }

    @Test func fewerLanesThanTheTurnPointsAtStartAtTheFirstThatComesRound() {
        var turn = SlotTurn()
        var many = Array(repeating: 1, count: 8)
        var manyInFlight = Array(repeating: 1, count: 8)
        _ = Self.pass(&turn, wanting: &many, slots: 6, inFlight: &manyInFlight)
        #expect(turn.next == 6)
        // A reload left three lanes: the turn wraps instead of pointing past them.
        var few = [1, 1, 1]
        var fewInFlight = [1, 1, 1]
        #expect(Self.pass(&turn, wanting: &few, slots: 1, inFlight: &fewInFlight) == [0])
        #expect(Self.pass(&turn, wanting: &few, slots: 1, inFlight: &fewInFlight) == [1])
    }

    @Test func aLaneWithNoCallInFlightIsServedBeforeTheTurnOfTheBusyOnes() {
        var turn = SlotTurn()
        // Lanes 0–3 drain a backlog with a call each in flight; lane 4 got one new win.
        var wanting = [100, 100, 100, 100, 1]
        var inFlight = [1, 1, 1, 1, 0]
        #expect(Self.pass(&turn, wanting: &wanting, slots: 1, inFlight: &inFlight) == [4])
        // The busy lanes' turn has not moved on.
        #expect(turn.next == 0)
        #expect(Self.pass(&turn, wanting: &wanting, slots: 2, inFlight: &inFlight) == [0, 1])
    }

    @Test func lanesWithoutCallsAreOfferedOneCallEachThenTheTurnGoesOn() {
        var turn = SlotTurn()
        var wanting = [3, 3, 3]
        var inFlight = [0, 0, 0]
        // First one each (none has a call), then the turn from lane 0: 0, 1.
        #expect(Self.pass(&turn, wanting: &wanting, slots: 5, inFlight: &inFlight) == [0, 1, 2, 0, 1])
        #expect(turn.next == 2)
    }

    @Test func noLanesIsNoOffer() {
        var turn = SlotTurn()
        var offers = 0
        turn.share(among: 0) { _, _ in
            offers += 1
            return .took
        }
        #expect(offers == 0)
    }

    /// One pass offering slots only to `candidates`, those of them in
    /// `withoutCalls` first; answers as `pass`, and records every lane offered.
    private static func pass(
        _ turn: inout SlotTurn, candidates: [Int], withoutCalls: [Int], wanting: inout [Int], slots: Int,
        offered: inout [Int]
    ) -> [Int] {
        var served: [Int] = []
        var free = slots
        var lanes = LaneSet(capacity: wanting.count)
        var idle = LaneSet(capacity: wanting.count)
        for lane in candidates { lanes.insert(lane) }
        for lane in withoutCalls { idle.insert(lane) }
        turn.share(among: lanes, withoutCalls: idle) { lane, round in
            offered.append(lane)
            guard wanting[lane] > 0 else { return .nothing }
            guard free > 0 else { return .slotsGone }
            free -= 1
            wanting[lane] -= 1
            served.append(lane)
            return .took
        }
        return served
    }

    @Test func onlyCandidatesAreOfferedAndTheTurnGoesOnFromTheLastServed() {
        var turn = SlotTurn()
        var wanting = Array(repeating: 0, count: 1_000)
        for lane in [3, 500, 998] { wanting[lane] = 5 }
        var offered: [Int] = []
        let first = Self.pass(
            &turn, candidates: [3, 500, 998], withoutCalls: [998], wanting: &wanting, slots: 2, offered: &offered)
        // The lane without calls first, then in turn from lane 0: no other lane is looked at.
        #expect(first == [998, 3])
        #expect(offered == [998, 3, 500])
        #expect(turn.next == 500)
        offered = []
        let second = Self.pass(
            &turn, candidates: [3, 500, 998], withoutCalls: [], wanting: &wanting, slots: 4, offered: &offered)
        #expect(second == [500, 998, 3, 500])
        #expect(Set(offered) == [3, 500, 998])
    }

    @Test func aSubsetTurnServesLanesInTheSameOrderAsTheWholeTurn() {
        // Lanes 1, 4, 6 want work, the others nothing: offering only those
        // three serves the same lanes in the same order as offering every lane.
        var whole = SlotTurn()
        var subset = SlotTurn()
        var wantingWhole = [0, 3, 0, 0, 3, 0, 3, 0]
        var wantingSubset = wantingWhole
        var inFlight = Array(repeating: 1, count: 8)
        var offered: [Int] = []
        for slots in [2, 1, 3, 2] {
            let a = Self.pass(&whole, wanting: &wantingWhole, slots: slots, inFlight: &inFlight)
            let b = Self.pass(
                &subset, candidates: [1, 4, 6], withoutCalls: [], wanting: &wantingSubset, slots: slots,
                offered: &offered)
            #expect(a == b)
        }
    }
}

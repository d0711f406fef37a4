import Testing
import JackpotDelivery

/// Which lanes claim in a pass, driven with plain values: lanes are indexes.
@Suite struct ClaimTurnTests {
    private static func set(_ lanes: some Sequence<Int>, capacity: Int) -> LaneSet {
        var set = LaneSet(capacity: capacity)
        for lane in lanes { set.insert(lane) }
        return set
    }

    @Test func aPassClaimsForAtMostTheBudgetAndTheNextGoesOnFromThere() {
        var turn = ClaimTurn(budget: 3)
        let wanting = Self.set(0..<8, capacity: 8)
        let none = LaneSet(capacity: 8)
        #expect(turn.lanes(wanting: wanting, quiet: none) == [0, 1, 2])
        #expect(turn.lanes(wanting: wanting, quiet: none) == [3, 4, 5])
        #expect(turn.lanes(wanting: wanting, quiet: none) == [6, 7, 0])
        #expect(turn.next == 1)
    }

    @Test func quietLanesClaimFirstWhereverTheTurnIs() {
        var turn = ClaimTurn(budget: 3)
        let none = LaneSet(capacity: 1_000)
        let backlogged = Self.set(0..<999, capacity: 1_000)
        _ = turn.lanes(wanting: backlogged, quiet: none)
        // Lane 999 is quiet and last in name order; a thousand backlogged lanes want to claim too.
        let wanting = Self.set(0..<1_000, capacity: 1_000)
        let quiet = Self.set([999], capacity: 1_000)
        #expect(turn.lanes(wanting: wanting, quiet: quiet) == [999, 3, 4])
        #expect(turn.next == 5)
    }

    @Test func everyBackloggedLaneClaimsOnceBeforeAnyClaimsTwice() {
        var turn = ClaimTurn(budget: 64)
        let wanting = Self.set(0..<1_000, capacity: 1_000)
        let quiet = Self.set([10, 500], capacity: 1_000)
        var backloggedClaims: [Int] = []
        var quietClaims = 0
        for _ in 0..<16 {
            for lane in turn.lanes(wanting: wanting, quiet: quiet) {
                if quiet.contains(lane) { quietClaims += 1 } else { backloggedClaims.append(lane) }
            }
        }
        // 16 passes of 62 backlogged lanes each: 992 of the 998, each once, in name order.
        #expect(backloggedClaims == Array((0..<1_000).filter { !quiet.contains($0) }.prefix(992)))
        #expect(quietClaims == 32)
    }

    @Test func lanesThatNoLongerWantToClaimAreSkipped() {
        var turn = ClaimTurn(budget: 2)
        #expect(turn.lanes(wanting: Self.set([1, 4, 6], capacity: 8), quiet: LaneSet(capacity: 8)) == [1, 4])
        #expect(turn.lanes(wanting: Self.set([1, 2, 7], capacity: 8), quiet: LaneSet(capacity: 8)) == [7, 1])
        #expect(turn.next == 2)
    }

    @Test func quietLanesBeyondTheBudgetAllClaimAndNoBackloggedLaneDoes() {
        var turn = ClaimTurn(budget: 2)
        let wanting = Self.set(0..<6, capacity: 6)
        let quiet = Self.set([1, 3, 5], capacity: 6)
        #expect(turn.lanes(wanting: wanting, quiet: quiet) == [1, 3, 5])
        #expect(turn.next == 0)
    }

    @Test func backloggedLanesClaimWhileTheirWinsFitTheWinBudgetAndTheNextPassGoesOnFromThere() {
        var turn = ClaimTurn(budget: 64, winBudget: 30)
        let wanting = Self.set(0..<8, capacity: 8)
        let none = LaneSet(capacity: 8)
        let wins = [12, 12, 12, 4, 12, 12, 12, 12]
        #expect(turn.lanes(wanting: wanting, quiet: none) { wins[$0] } == [0, 1])
        #expect(turn.lanes(wanting: wanting, quiet: none) { wins[$0] } == [2, 3, 4])
        #expect(turn.next == 5)
    }

    @Test func theFirstBackloggedLaneClaimsWhateverItsBatchAndQuietLanesAreNotCounted() {
        var turn = ClaimTurn(budget: 64, winBudget: 30)
        let wanting = Self.set(0..<4, capacity: 4)
        let quiet = Self.set([3], capacity: 4)
        let wins = [500, 12, 12, 40]
        #expect(turn.lanes(wanting: wanting, quiet: quiet) { wins[$0] } == [3, 0])
        #expect(turn.lanes(wanting: wanting, quiet: quiet) { wins[$0] } == [3, 1, 2])
        #expect(turn.next == 3)
    }

    @Test func whileTheRecordsAreBehindOnlyQuietLanesClaimAndTheTurnWaits() {
        var turn = ClaimTurn(budget: 64)
        let wanting = Self.set(0..<6, capacity: 6)
        let quiet = Self.set([4], capacity: 6)
        #expect(turn.lanes(wanting: wanting, quiet: quiet, recordsBehind: true) == [4])
        #expect(turn.next == 0)
        #expect(turn.lanes(wanting: wanting, quiet: quiet, recordsBehind: false) == [4, 0, 1, 2, 3, 5])
    }
}

import Testing
import JackpotDelivery

/// How many wins a lane holds claimed: three batches while slow, a batch in
/// flight plus 100 ms of its pace ready while fast, never more than 1024 ready.
@Suite struct ClaimPaceTests {
    /// `count` calls finishing evenly over `milliseconds`, starting at `start`.
    private func finish(_ pace: inout ClaimPace, count: Int, over milliseconds: Int64, from start: Int64) {
        for call in 1...count { pace.countFinished(now: start + milliseconds * Int64(call) / Int64(count)) }
    }

    @Test func aLaneWithNoPaceYetHoldsThreeBatches() {
        let pace = ClaimPace(now: 1_000)
        #expect(pace.holdTarget(concurrency: 16) == 48)
        #expect(pace.claimThreshold(concurrency: 16) == 16)
    }

    @Test func aFastLaneHoldsABatchInFlightAndATenthOfASecondOfItsPaceReady() {
        var pace = ClaimPace(now: 0)
        finish(&pace, count: 1_000, over: 250, from: 0)  // 4 000 calls a second
        #expect(pace.finishedPerSecond == 4_000)
        #expect(pace.holdTarget(concurrency: 16) == 16 + 400)
        #expect(pace.claimThreshold(concurrency: 16) == 416 / 4)
    }

    @Test func aSlowLaneKeepsThreeBatches() {
        var pace = ClaimPace(now: 0)
        finish(&pace, count: 20, over: 250, from: 0)  // 80 a second: 8 ready is less than two batches
        #expect(pace.finishedPerSecond == 80)
        #expect(pace.holdTarget(concurrency: 16) == 48)
    }

    @Test func readyWinsAreCappedHoweverFastTheOperator() {
        var pace = ClaimPace(now: 0)
        finish(&pace, count: 100_000, over: 250, from: 0)
        #expect(pace.holdTarget(concurrency: 8) == 8 + ClaimPace.maximumReady)
    }

    @Test func aPauseLongerThanFourWindowsForgetsThePace() {
        var pace = ClaimPace(now: 0)
        finish(&pace, count: 1_000, over: 250, from: 0)
        pace.countFinished(now: 250 + 5_000)
        #expect(pace.finishedPerSecond == 0)
        #expect(pace.holdTarget(concurrency: 16) == 48)
    }

    @Test func thePaceIsMeasuredOverWholeWindowsOnly() {
        var pace = ClaimPace(now: 0)
        finish(&pace, count: 500, over: 200, from: 0)  // a window not yet full
        #expect(pace.finishedPerSecond == 0)
    }
}

import Testing
import JackpotDelivery

/// How many finished calls' results each record stores: the oldest, at most
/// a batch per pass, the rest in the passes after; everything at the stop.
@Suite(.timeLimit(.minutes(1))) struct RecordSliceTests {
    /// The sizes of the records that store `waiting` results, `arriving` more coming before each later pass.
    private func records(waiting: Int, arriving: [Int], maximum: Int) -> [Int] {
        var left = waiting
        var sizes: [Int] = []
        for more in [0] + arriving {
            left += more
            let size = RecordSlice.size(waiting: left, stopping: false, maximum: maximum)
            sizes.append(size)
            left -= size
        }
        return sizes
    }

    @Test func aRecordStoresAtMostABatchAndTheNextPassesStoreTheRest() {
        #expect(records(waiting: 1_300, arriving: [0, 0, 0], maximum: 512) == [512, 512, 276, 0])
        #expect(records(waiting: 600, arriving: [100, 700], maximum: 512) == [512, 188, 512])
    }

    @Test func aFewResultsAreStoredAtOnce() {
        #expect(RecordSlice.size(waiting: 30, stopping: false, maximum: 512) == 30)
    }

    @Test func theStopStoresEveryResult() {
        #expect(RecordSlice.size(waiting: 5_000, stopping: true, maximum: 512) == 5_000)
    }
}

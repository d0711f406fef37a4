import Testing
import JackpotDelivery

/// The lanes a pass offers slots to, as bits: membership and turn order.
@Suite struct LaneSetTests {
    @Test func membersAreCountedOnceAndListedInTurnOrderFromAnyLane() {
        var set = LaneSet(capacity: 200)
        for lane in [150, 3, 64, 63, 199, 3] { set.insert(lane) }
        #expect(set.count == 5)
        #expect(set.inTurn(from: 0) == [3, 63, 64, 150, 199])
        #expect(set.inTurn(from: 64) == [64, 150, 199, 3, 63])
        #expect(set.inTurn(from: 200) == [3, 63, 64, 150, 199])
        set.remove(64)
        set.remove(64)
        set.set(3, false)
        set.set(7, true)
        #expect(set.count == 4)
        #expect(!set.contains(64) && !set.contains(3) && set.contains(7))
        #expect(!set.contains(5_000))
        #expect(set.inTurn(from: 100) == [150, 199, 7, 63])
    }

    @Test func anEmptySetHasNoTurn() {
        #expect(LaneSet(capacity: 0).inTurn(from: 0).isEmpty)
        #expect(LaneSet(capacity: 10).inTurn(from: 5).isEmpty)
    }
}

import Testing
import JackpotDelivery

/// The global limit on calls in flight, and the slots it keeps for quiet operators.
@Suite struct GlobalSlotsTests {
    @Test func busyLanesLeaveTheReserveToQuietOnesAndTheLimitHolds() {
        let slots = GlobalSlots(limit: 64)
        #expect(GlobalSlots.reserve(of: 64) == 4)
        var busy = 0
        while slots.tryAcquire(quiet: false) { busy += 1 }
        #expect(busy == 60)
        #expect(!slots.hasRoom(quiet: false) && slots.hasRoom(quiet: true))
        var quiet = 0
        while slots.tryAcquire(quiet: true) { quiet += 1 }
        #expect(quiet == 4)
        #expect(slots.inUse == 64)
        slots.release()
        #expect(!slots.tryAcquire(quiet: false))
        #expect(slots.tryAcquire(quiet: true))
    }

    @Test func aSmallLimitKeepsNoReserve() {
        let slots = GlobalSlots(limit: 15)
        var taken = 0
        while slots.tryAcquire(quiet: false) { taken += 1 }
        #expect(taken == 15)
    }
}

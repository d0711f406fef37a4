import JackpotDelivery
import TestSupport

extension Dispatcher {
    /// Waits (bounded) until the loop has run `loop` more passes and housekeeping
    /// `housekeeping` more rounds: how a test shows that nothing happened meanwhile.
    func waitForPasses(loop: Int = 0, housekeeping: Int = 0, within seconds: Double = 60) async -> Bool {
        let loopTarget = passes.loop + loop
        let housekeepingTarget = passes.housekeeping + housekeeping
        return await eventually(within: seconds) {
            passes.loop >= loopTarget && passes.housekeeping >= housekeepingTarget
        }
    }
}

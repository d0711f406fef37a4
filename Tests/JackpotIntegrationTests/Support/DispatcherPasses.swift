import JackpotDelivery
import TestSupport

extension Dispatcher {
    /// Waits (bounded) until the loop has run `loop` more passes and every
    /// maintenance service on the housekeeping interval `housekeeping` more:
    /// how a test shows that nothing happened meanwhile.
    func waitForPasses(loop: Int = 0, housekeeping: Int = 0, within seconds: Double = 60) async -> Bool {
        let loopTarget = passes.loop + loop
        let choreTargets = passes.housekeepingChores.map { ($0, $0.count + housekeeping) }
        return await eventually(within: seconds) {
            passes.loop >= loopTarget && choreTargets.allSatisfy { chore, target in chore.count >= target }
        }
    }
}

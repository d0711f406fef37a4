import JackpotStore
import JackpotTelemetry
/// Copies each operator's pause flag from the outbox (`jackpotd pause` and
/// `resume`, from any process) into its lane. The claim itself skips paused
/// operators in SQL; this is what lets a lane give back what it holds, and
/// what logs the change.
package struct PauseFlagReader: MaintenanceService {
    package typealias Settings = ChoreInterval

    package struct Pass: MaintenancePass {
        /// Operators found paused, and found resumed, since the previous pass.
        package var paused: [String] = []
        package var resumed: [String] = []
        package var wakesLoop: Bool { !paused.isEmpty || !resumed.isEmpty }
    }

    let dispatcher: Dispatcher
    let settings: Settings
    package let signal: MaintenanceSignal
    package var name: String { "pause-flags" }
    package var interval: Duration { settings.interval }

    package init(dispatcher: Dispatcher, settings: Settings = Settings(), signal: MaintenanceSignal = MaintenanceSignal()) {
        self.dispatcher = dispatcher
        self.settings = settings
        self.signal = signal
    }

    package func runOnce(on store: isolated DispatcherStore, now: Int64) throws -> Pass {
        let pausedOperators = try store.openOutbox().pausedOperators()
        var pass = Pass()
        for lane in dispatcher.allLanes() {
            let paused = pausedOperators.contains(lane.name)
            guard lane.setPaused(paused) else { continue }
            dispatcher.logger.info(paused ? "operator_paused" : "operator_resumed", ["operator": .string(lane.name)])
            if paused {
                pass.paused.append(lane.name)
            } else {
                pass.resumed.append(lane.name)
                lane.checkSoon(at: now)
            }
        }
        return pass
    }
}

import JackpotStore
import JackpotTelemetry
/// Sends again the wins whose lease ran out (their daemon died or hung) and,
/// at once, those of daemons on this host that are known dead
/// (`LeaseOwner.knowsDead`): they go back to `pending`, due now.
package struct LeaseRescuer: MaintenanceService {
    package typealias Settings = ChoreInterval

    package struct Pass: MaintenancePass {
        /// References of the wins put back to `pending`.
        package var rescued: [String] = []
        package var wakesLoop: Bool { !rescued.isEmpty }
    }

    let dispatcher: Dispatcher
    let settings: Settings
    package let signal: MaintenanceSignal
    package var name: String { "lease-rescue" }
    package var interval: Duration { settings.interval }

    package init(dispatcher: Dispatcher, settings: Settings = Settings(), signal: MaintenanceSignal = MaintenanceSignal()) {
        self.dispatcher = dispatcher
        self.settings = settings
        self.signal = signal
    }

    package func runOnce(on store: isolated DispatcherStore, now: Int64) throws -> Pass {
        let outbox = try store.openOutbox()
        let owner = dispatcher.owner
        let rescued = try outbox.write(durability: .fsynced) {
            try outbox.recoverLeases(now: now, isDead: owner.knowsDead)
        }
        if !rescued.isEmpty {
            dispatcher.logger.warning("leases_recovered", ["count": .int(Int64(rescued.count))])
            for lane in dispatcher.allLanes() { lane.checkSoon(at: now) }
        }
        return Pass(rescued: rescued)
    }
}

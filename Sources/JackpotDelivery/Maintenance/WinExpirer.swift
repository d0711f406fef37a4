import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
/// Parks as `failed` the pending wins each operator has not taken within its
/// max age (`retry.maxAgeHours`, counted from enqueue or from ops' last
/// `retry`). A claim parks an expired win it leased too, so none is sent after
/// its age whenever this runs.
package struct WinExpirer: MaintenanceService {
    package typealias Settings = ChoreInterval

    package struct Pass: MaintenancePass {
        /// The references parked, by operator.
        package var expired: [String: [String]] = [:]
    }

    let dispatcher: Dispatcher
    let settings: Settings
    package let signal: MaintenanceSignal
    package var name: String { "max-age" }
    package var interval: Duration { settings.interval }

    package init(dispatcher: Dispatcher, settings: Settings = Settings(), signal: MaintenanceSignal = MaintenanceSignal()) {
        self.dispatcher = dispatcher
        self.settings = settings
        self.signal = signal
    }

    package func runOnce(on store: isolated DispatcherStore, now: Int64) throws -> Pass {
        let outbox = try store.openOutbox()
        let lanes = dispatcher.allLanes()
        var pass = Pass()
        try outbox.write(durability: .fsynced) {
            pass = Pass()
            for lane in lanes {
                let maxAgeHours = lane.config.retry.maxAgeHours
                let expired = try outbox.expire(
                    operator: lane.name, createdBefore: now - Int64(maxAgeHours * 3_600_000),
                    reason: "not delivered within maxAgeHours (\(Dispatcher.format(maxAgeHours)) h)", now: now)
                if !expired.isEmpty { pass.expired[lane.name] = expired }
            }
        }
        for (name, references) in pass.expired.sorted(by: { $0.key < $1.key }) {
            for reference in references {
                dispatcher.logger.warning(
                    "win_failed", ["operator": .string(name), "reference": .string(reference), "reason": "max age"])
            }
        }
        return pass
    }
}

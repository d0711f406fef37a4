import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import Synchronization
/// Checks the rows not yet validated — written by other processes, plain SQL
/// included — and parks the invalid ones as `failed`, a slice at a time. The
/// loop's claims and records run between two slices, so a restart over a
/// large backlog delivers from its first second instead of after checking
/// every row.
package struct NewWinValidator: MaintenanceService {
    package struct Settings: Sendable {
        package var interval = Duration.milliseconds(500)
        /// Rows checked per pass: a few milliseconds of the store's thread, so
        /// claims and records wait at most that long behind a backlog.
        package var sliceRows = 500
        package init(interval: Duration = .milliseconds(500), sliceRows: Int = 500) {
            self.interval = interval
            self.sliceRows = sliceRows
        }
    }

    package struct Pass: MaintenancePass {
        /// The rows parked, with the reason each can never be sent.
        package var parked: [(reference: String, reason: String)] = []
        /// Rows are left unchecked: the next pass follows at once.
        package var workLeft = false
    }

    let dispatcher: Dispatcher
    let settings: Settings
    package let signal: MaintenanceSignal
    package var name: String { "new-wins" }
    package var interval: Duration { settings.interval }

    package init(dispatcher: Dispatcher, settings: Settings = Settings(), signal: MaintenanceSignal = MaintenanceSignal()) {
        self.dispatcher = dispatcher
        self.settings = settings
        self.signal = signal
    }

    /// Does nothing until the loop has seen the outbox change (or the config
    /// change) since the last row was checked.
    package func runOnce(on store: isolated DispatcherStore, now: Int64) throws -> Pass {
        guard store.loop.newRowsToValidate else { return Pass() }
        let known = Set(dispatcher.control.withLock { $0.config.operators.keys })
        let outbox = try store.openOutbox()
        var pass = Pass()
        // A lost commit only means the rows are checked again.
        try outbox.write(durability: .withoutFsync) {
            pass.parked = try outbox.parkInvalidNewWins(knownOperators: known, now: now, maximumRows: settings.sliceRows)
            pass.workLeft = try outbox.hasUnvalidatedWins()
        }
        for parked in pass.parked {
            dispatcher.logger.warning("win_failed", ["reference": .string(parked.reference), "reason": .string(parked.reason)])
        }
        store.loop.newRowsToValidate = pass.workLeft
        return pass
    }
}

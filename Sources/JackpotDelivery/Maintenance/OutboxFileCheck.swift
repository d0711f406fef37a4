import JackpotStore

/// Checks that the outbox file and its `-wal` are still the ones the daemon's
/// connection opened. Retrying on a file nobody reads cannot help: a pass that
/// finds either gone throws, and the daemon stops (exit 1, for the service
/// manager to start it again on the file now at the path).
package struct OutboxFileCheck: MaintenanceService {
    package typealias Settings = ChoreInterval

    package struct Pass: MaintenancePass {}

    /// The outbox file was deleted or replaced under the daemon.
    package struct DatabaseMovedError: Error {
        package let underlying: DatabaseError
    }

    /// The outbox's `-wal` file was deleted or replaced under the daemon, and
    /// what became of the commits only it held (`DispatcherStore.saveDeletedWAL`).
    package struct WALDeletedError: Error {
        package let underlying: DatabaseError
        /// Frames written from the deleted log into the database file.
        package var framesSaved = 0
        /// Every frame was written, and the daemon goes on with a new connection.
        package var saved = false
        /// Why saving failed, when it did.
        package var problem: String?
    }

    let settings: Settings
    package let signal: MaintenanceSignal
    package var name: String { "outbox-file" }
    package var interval: Duration { settings.interval }

    package init(settings: Settings = Settings(), signal: MaintenanceSignal = MaintenanceSignal()) {
        self.settings = settings
        self.signal = signal
    }

    /// A deleted `-wal` is saved from here, on the store's queue, before any
    /// other write can run on this connection.
    package func runOnce(on store: isolated DispatcherStore, now: Int64) throws -> Pass {
        let outbox = try store.openOutbox()
        do {
            try outbox.requireNotMoved()
        } catch {
            throw DatabaseMovedError(underlying: error)
        }
        do {
            try outbox.requireWALInPlace()
        } catch {
            throw store.saveDeletedWAL(WALDeletedError(underlying: error))
        }
        return Pass()
    }
}

import Synchronization
import JackpotStore
import JackpotTelemetry

/// The daemon's chores beside the dispatcher loop: pause flags, lease rescue,
/// max age, parking bad rows (slice by slice) and the heartbeat `status` reads, every
/// `housekeepingIntervalMilliseconds`.
/// A child of `DeliveryService`; runs until cancelled.
final class Housekeeper: Sendable {
    let store: DispatcherStore
    let dispatcher: Dispatcher
    private let moved = Mutex<DatabaseError?>(nil)

    init(store: DispatcherStore, dispatcher: Dispatcher) {
        self.store = store
        self.dispatcher = dispatcher
    }

    /// Set when the outbox file was deleted or replaced under the daemon.
    var databaseMoved: DatabaseError? { moved.withLock { $0 } }

    /// Stops the dispatcher when the outbox file was deleted or replaced:
    /// retrying on a file nobody reads cannot help.
    func run() async {
        let interval = Duration.milliseconds(dispatcher.settings.housekeepingIntervalMilliseconds)
        var failing = false
        let startedAt = dispatcher.clock()
        var lastHeartbeat: Int64?
        dispatcher.metrics.gauge(DaemonMetrics.walDeleted, labels: [:], set: 0)
        try? await store.forgetDeadNeighbours(now: startedAt)
        while !Task.isCancelled {
            var backlog = false
            do {
                try await store.housekeep(now: dispatcher.clock())
                // Slice by slice, each call queued behind the loop's claims and records;
                // for at most a second, so rows arriving as fast as they are checked
                // cannot hold up the heartbeat, lease recovery and pause flags.
                let checkUntil = ContinuousClock.now + Self.validationPerPass
                repeat {
                    backlog = try await store.validateNewRows(now: dispatcher.clock())
                } while backlog && !Task.isCancelled && ContinuousClock.now < checkUntil
                dispatcher.passes.countHousekeeping()
                // A pause lifted, a lease rescued, a win parked: the loop may have work now.
                dispatcher.wake.signal()
                // Not every 500 ms pass: the write would contend with the claims for
                // the outbox's one write lock, for a liveness signal that needs seconds.
                let now = dispatcher.clock()
                if lastHeartbeat.map({ now - $0 >= Self.heartbeatMilliseconds(dispatcher) }) ?? true {
                    try await store.heartbeat(startedAt: startedAt, now: now)
                    lastHeartbeat = now
                }
                if failing {
                    dispatcher.logger.info("storage_recovered", ["database": .string(dispatcher.databasePath), "in": "housekeeping"])
                    failing = false
                }
            } catch let error as Dispatcher.WALDeletedError {
                dispatcher.metrics.gauge(DaemonMetrics.walDeleted, labels: [:], set: 1)
                dispatcher.logger.error("wal_deleted", [
                    "wal": .string(dispatcher.databasePath + "-wal"),
                    "frames_saved": .int(Int64(error.framesSaved)),
                    "saved": .bool(error.saved),
                    "problem": .string(error.problem ?? "-"),
                    "action": "stopped claiming; exits 1 for the service manager to start it again",
                ])
                moved.withLock { $0 = error.underlying }
                dispatcher.requestStop()
                return
            } catch let error as Dispatcher.DatabaseMovedError {
                dispatcher.logger.error("database_moved", ["error": .string(error.underlying.message)])
                moved.withLock { $0 = error.underlying }
                dispatcher.requestStop()
                return
            } catch {
                dispatcher.logger.error("storage_error", ["error": .string(String(describing: error)), "in": "housekeeping"])
                failing = true
                backlog = false  // retried after the interval, not at once
            }
            // With rows left to check, the next pass goes on at once.
            if !backlog { try? await Task.sleep(for: interval) }
        }
        // Stopped cleanly: `status` should not list this daemon as vanished.
        try? await store.removeHeartbeat()
    }
}

extension Housekeeper {
    /// How long one pass goes on checking a backlog of new rows.
    static let validationPerPass = Duration.seconds(1)

    /// How often the heartbeat is written: every pass, but at most every 2 s.
    static func heartbeatMilliseconds(_ dispatcher: Dispatcher) -> Int64 {
        max(2_000, dispatcher.settings.housekeepingIntervalMilliseconds)
    }
}

import Synchronization
import JackpotStore
import JackpotTelemetry

/// Runs the maintenance services beside the dispatcher loop, each a child task
/// on its own schedule (River's queue maintainer), until cancelled. A child
/// of `DeliveryService`.
///
/// A pass that fails is logged and tried again after the service's interval;
/// an outbox file gone from under the daemon (`OutboxFileCheck`) stops the
/// dispatcher instead.
final class Maintainer: Sendable {
    let store: DispatcherStore
    let dispatcher: Dispatcher
    let fileCheck: OutboxFileCheck
    let pauseFlags: PauseFlagReader
    let leaseRescuer: LeaseRescuer
    let expirer: WinExpirer
    let validator: NewWinValidator
    let heartbeat: HeartbeatWriter
    private let moved = Mutex<DatabaseError?>(nil)

    /// Every service but the heartbeat every `housekeepingIntervalMilliseconds`;
    /// the heartbeat as often, but at most every 2 s.
    init(store: DispatcherStore, dispatcher: Dispatcher) {
        self.store = store
        self.dispatcher = dispatcher
        let interval = Duration.milliseconds(dispatcher.settings.housekeepingIntervalMilliseconds)
        let signals = dispatcher.passes
        fileCheck = OutboxFileCheck(settings: .init(interval: interval), signal: signals.fileCheck)
        pauseFlags = PauseFlagReader(dispatcher: dispatcher, settings: .init(interval: interval), signal: signals.pauseFlags)
        leaseRescuer = LeaseRescuer(dispatcher: dispatcher, settings: .init(interval: interval), signal: signals.leaseRescue)
        expirer = WinExpirer(dispatcher: dispatcher, settings: .init(interval: interval), signal: signals.maxAge)
        validator = NewWinValidator(dispatcher: dispatcher, settings: .init(interval: interval), signal: signals.newWins)
        heartbeat = HeartbeatWriter(
            dispatcher: dispatcher, startedAt: dispatcher.clock(), settings: .init(interval: max(.seconds(2), interval)),
            signal: signals.heartbeat)
    }

    /// Set when the outbox file was deleted or replaced under the daemon.
    var databaseMoved: DatabaseError? { moved.withLock { $0 } }

    func run() async {
        dispatcher.metrics.gauge(DaemonMetrics.walDeleted, labels: [:], set: 0)
        await withDiscardingTaskGroup { services in
            services.addTask { await self.keepRunning(self.fileCheck) }
            services.addTask { await self.keepRunning(self.pauseFlags) }
            services.addTask { await self.keepRunning(self.leaseRescuer) }
            services.addTask { await self.keepRunning(self.expirer) }
            services.addTask { await self.keepRunning(self.validator) }
            services.addTask { await self.keepRunning(self.heartbeat) }
        }
    }

    /// One service: a pass, then its interval (at once while work is left), until cancelled.
    private func keepRunning(_ service: some MaintenanceService) async {
        do {
            try await service.start(on: store, now: dispatcher.clock())
        } catch {
            logStorageError(error, in: service)
        }
        var failing = false
        while !Task.isCancelled {
            var workLeft = false
            do {
                let pass = try await service.runOnce(on: store, now: dispatcher.clock())
                service.signal.countPass()
                if pass.wakesLoop { dispatcher.wake.signal() }
                workLeft = pass.workLeft
                if failing {
                    dispatcher.logger.info(
                        "storage_recovered", ["database": .string(dispatcher.databasePath), "in": .string(service.name)])
                    failing = false
                }
            } catch let error as OutboxFileCheck.WALDeletedError {
                dispatcher.metrics.gauge(DaemonMetrics.walDeleted, labels: [:], set: 1)
                dispatcher.logger.error(
                    "wal_deleted",
                    [
                        "wal": .string(dispatcher.databasePath + "-wal"),
                        "frames_saved": .int(Int64(error.framesSaved)),
                        "saved": .bool(error.saved),
                        "problem": .string(error.problem ?? "-"),
                        "action": "stopped claiming; exits 1 for the service manager to start it again",
                    ])
                moved.withLock { $0 = error.underlying }
                dispatcher.requestStop()
                return
            } catch let error as OutboxFileCheck.DatabaseMovedError {
                dispatcher.logger.error("database_moved", ["error": .string(error.underlying.message)])
                moved.withLock { $0 = error.underlying }
                dispatcher.requestStop()
                return
            } catch {
                logStorageError(error, in: service)
                failing = true
            }
            if !workLeft { try? await Task.sleep(for: service.interval) }
        }
        // A daemon stopped by a file gone from under it did not stop cleanly:
        // `status` may say so (its heartbeat row is left to age).
        guard databaseMoved == nil else { return }
        do {
            try await service.stop(on: store)
        } catch {
            logStorageError(error, in: service)
        }
    }

    private func logStorageError(_ error: any Error, in service: some MaintenanceService) {
        dispatcher.logger.error("storage_error", ["error": .string(String(describing: error)), "in": .string(service.name)])
    }
}

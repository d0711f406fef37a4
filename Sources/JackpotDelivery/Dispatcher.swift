import Foundation
import Synchronization
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// Turns the outbox into confirmed deliveries.
///
/// One loop owns the database connection, through `DispatcherStore`, which
/// keeps every SQLite call off the cooperative threads. Per wake-up it claims
/// new wins (a commit without fsync), starts calls, and records the calls that
/// finished in one fsynced transaction, so results that finish while a commit
/// is in progress are batched into the next one. Calls are child tasks of one
/// discarding task group beside the loop; a call that ends takes the next ready
/// win of its operator at once, without waiting for the loop's commit.
package final class Dispatcher: Sendable {
    package struct Settings: Sendable {
        /// How often `PRAGMA data_version` is polled for wins written by other processes.
        package var pollIntervalMilliseconds = 10
        /// Pause flags, lease recovery, max age and new-row validation run this often.
        package var housekeepingIntervalMilliseconds: Int64 = 500
        /// How long finished calls may wait in memory so that many share one fsynced
        /// commit: at thousands of calls a second, a commit per call would cost more
        /// disk writes and CPU than the calls themselves.
        package var recordIntervalMilliseconds: Int64 = 10
        package var metricsIntervalMilliseconds: Int64 = 5000
        package var metricsFile: String?
        package init() {}
    }

    let databasePath: String
    let transport: any HTTPTransport
    let logger: Logger
    let metrics: MetricsRegistry
    let owner: LeaseOwner
    let settings: Settings
    let clock: @Sendable () -> Int64

    let lanes = Mutex<[String: OperatorLane]>([:])
    let laneOrder = Mutex<[String]>([])
    let global: GlobalSlots
    let completed = Mutex<[AttemptReport]>([])
    let wake = WakeSignal()
    let control: Mutex<Control>
    let calls = CallsInFlight()
    package let passes = PassCounter()

    struct Control {
        var config: JackpotConfig
        var pendingConfig: JackpotConfig?
        var stopRequested = false
    }

    package init(
        databasePath: String, config: JackpotConfig, transport: any HTTPTransport, logger: Logger,
        metrics: MetricsRegistry = MetricsRegistry(), owner: LeaseOwner = .current(), settings: Settings = Settings(),
        clock: @escaping @Sendable () -> Int64 = WallClock.nowMilliseconds
    ) {
        self.databasePath = databasePath
        self.transport = transport
        self.logger = logger
        self.metrics = metrics
        self.owner = owner
        self.settings = settings
        self.clock = clock
        global = GlobalSlots(limit: config.globalConcurrency)
        control = Mutex(Control(config: config, pendingConfig: config))
    }

    /// Stop claiming, let calls in flight finish within the grace period, release the rest.
    package func requestStop() {
        control.withLock { $0.stopRequested = true }
        wake.signal()
    }

    var isStopping: Bool { control.withLock { $0.stopRequested } }

    /// Takes a reloaded configuration (operators, secrets, limits) at the next wake-up.
    package func apply(_ config: JackpotConfig) {
        control.withLock { $0.pendingConfig = config }
        wake.signal()
    }

    /// Runs until `requestStop()`: claims and calls over `store`, which the caller
    /// has opened. Storage errors are logged and retried with back-off; results
    /// not yet stored are kept in memory until they are.
    func run(_ store: DispatcherStore) async {
        logger.info("start", ["daemon": .string(owner.description), "database": .string(databasePath)])
        let ticker = Task { [wake, settings] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(settings.pollIntervalMilliseconds))
                wake.signal()
            }
        }
        defer { ticker.cancel() }
        await withDiscardingTaskGroup { group in
            await loop(store, group: &group)
            await stopCalls(group: &group)
        }
        await finish(store)
    }

    /// Wakes, claims, starts calls, records, until a stop is requested.
    private func loop(_ store: DispatcherStore, group: inout DiscardingTaskGroup) async {
        var storageBackoffMs: Int64 = 0
        var retryStorageAt: Int64 = 0
        while true {
            await wake.wait()
            if control.withLock({ $0.stopRequested }) { return }
            let now = clock()
            if now < retryStorageAt { continue }
            do {
                for launch in try await store.claimStep(now: now) { start(launch, in: &group) }
                try await store.recordStep(now: now)
                passes.countLoop()
                if storageBackoffMs > 0 {
                    logger.info("storage_recovered", ["database": .string(databasePath)])
                    storageBackoffMs = 0
                }
            } catch {
                storageBackoffMs = min(max(storageBackoffMs * 2, 100), 10_000)
                retryStorageAt = now + storageBackoffMs
                logger.error("storage_error", ["error": .string(String(describing: error)), "retry_in_ms": .int(storageBackoffMs)])
            }
        }
    }

    /// The outbox file was deleted or replaced under the daemon.
    struct DatabaseMovedError: Error {
        let underlying: DatabaseError
    }

    /// What the loop remembers between wake-ups.
    struct LoopState {
        var dataVersion: Int64 = -1
        var newRowsToValidate = true
        var unrecorded: [AttemptReport] = []
        /// When the oldest of `unrecorded` was picked up.
        /// Measured on the monotonic clock, not `clock`: batching is about real
        /// elapsed time, whatever time a test's clock says it is.
        var unrecordedSince = ContinuousClock.now
        var unreleased: [ReadyWin] = []
        var rotation = 0
        /// Circuit state last logged per operator: transitions are logged, not every count.
        var loggedCircuits: [String: CircuitBreaker.State] = [:]
    }

    /// The first half of a wake-up: config, new rows, housekeeping, claims.
    func claimStep(_ outbox: Outbox, _ loop: inout LoopState, now: Int64) throws -> [Launch] {
        if let config = control.withLock({ state -> JackpotConfig? in
            defer { state.pendingConfig = nil }
            return state.pendingConfig
        }) {
            try configure(config, outbox: outbox, now: now)
            loop.newRowsToValidate = true
        }
        let version = try outbox.database.dataVersion()
        if version != loop.dataVersion {
            loop.dataVersion = version
            loop.newRowsToValidate = true
            for lane in allLanes() { lane.checkSoon(at: now) }
        }
        try claim(outbox, now: now)
        return startCalls(&loop, now: now)
    }

    /// The second half, once the new calls are started: results.
    func recordStep(_ outbox: Outbox, _ loop: inout LoopState, now: Int64) throws {
        try record(outbox, &loop, now: now)
    }
}

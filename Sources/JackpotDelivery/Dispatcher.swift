import Foundation
import Synchronization
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// Turns the outbox into confirmed deliveries.
///
/// One loop owns the database connection. Per wake-up it claims new wins (a
/// commit without fsync), starts calls, and records the calls that finished in
/// one fsynced transaction, so results that finish while a commit is in
/// progress are batched into the next one. Calls run as tasks beside the loop;
/// a call that ends takes the next ready win of its operator at once, without
/// waiting for the loop's commit.
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
    let tasks = Mutex<[Int: Task<Void, Never>]>([:])
    let taskCounter = Atomic<Int>(0)
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

    /// Takes a reloaded configuration (operators, secrets, limits) at the next wake-up.
    package func apply(_ config: JackpotConfig) {
        control.withLock { $0.pendingConfig = config }
        wake.signal()
    }

    /// Runs until `requestStop()`. Storage errors are logged and retried with
    /// back-off; results not yet stored are kept in memory until they are.
    package func run() async throws {
        let outbox = try Outbox(
            path: databasePath, busyTimeoutMilliseconds: control.withLock { $0.config.busyTimeoutMilliseconds })
        // A daemon that cannot write would claim nothing and retry forever; exiting
        // lets the service manager restart it once the file is writable again.
        try outbox.database.requireWritable()
        var loop = LoopState()
        logger.info("start", ["daemon": .string(owner.description), "database": .string(databasePath)])
        let ticker = Task { [wake, settings] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(settings.pollIntervalMilliseconds))
                wake.signal()
            }
        }
        defer { ticker.cancel() }

        var storageBackoffMs: Int64 = 0
        var retryStorageAt: Int64 = 0
        while true {
            await wake.wait()
            if control.withLock({ $0.stopRequested }) { break }
            let now = clock()
            if now < retryStorageAt { continue }
            do {
                try step(outbox, &loop, now: now)
                passes.countLoop()
                if storageBackoffMs > 0 {
                    logger.info("storage_recovered", ["database": .string(databasePath)])
                    storageBackoffMs = 0
                }
            } catch let error as DatabaseMovedError {
                // Retrying cannot help: stop, so the service manager starts a daemon on the file now there.
                logger.error("database_moved", ["error": .string(error.underlying.message)])
                await shutdown(outbox, &loop)
                throw error.underlying
            } catch {
                storageBackoffMs = min(max(storageBackoffMs * 2, 100), 10_000)
                retryStorageAt = now + storageBackoffMs
                logger.error("storage_error", ["error": .string(String(describing: error)), "retry_in_ms": .int(storageBackoffMs)])
            }
        }
        await shutdown(outbox, &loop)
    }

    /// The outbox file was deleted or replaced under the daemon.
    struct DatabaseMovedError: Error {
        let underlying: DatabaseError
    }

    /// What the loop remembers between wake-ups.
    struct LoopState {
        var dataVersion: Int64 = -1
        var nextHousekeeping: Int64 = 0
        var nextMetrics: Int64 = 0
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

    func step(_ outbox: Outbox, _ loop: inout LoopState, now: Int64) throws {
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
        if now >= loop.nextHousekeeping {
            try housekeeping(outbox, &loop, now: now)
            loop.nextHousekeeping = now + settings.housekeepingIntervalMilliseconds
            passes.countHousekeeping()
        }
        try recordAndClaim(outbox, &loop, now: now)
        if let file = settings.metricsFile, now >= loop.nextMetrics {
            loop.nextMetrics = now + settings.metricsIntervalMilliseconds
            try writeMetrics(outbox, to: file, now: now)
        }
    }
}

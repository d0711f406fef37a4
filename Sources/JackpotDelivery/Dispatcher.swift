import Foundation
import Synchronization
import JackpotConfiguration
import JackpotTelemetry
import JackpotWire

/// Turns the outbox into confirmed deliveries.
///
/// One loop owns the database connection, through `DispatcherStore`, which
/// keeps every SQLite call off the cooperative threads. Per wake-up it claims
/// new wins (a commit without fsync), starts calls, and records the calls that
/// finished in one fsynced transaction, so results that finish while a commit
/// is in progress are batched into the next one. Calls are child tasks of one
/// discarding task group beside the loop, run where the transport asks
/// (`HTTPTransport.callExecutor`: libcurl's loop thread in production); a call
/// that ends takes the next ready win of its operator at once, without waiting
/// for the loop's commit.
package final class Dispatcher: Sendable {
    package struct Settings: Sendable {
        /// The loop's shortest tick, and how often it looks for wins written by
        /// other processes (`PRAGMA data_version`) where inotify is unavailable.
        package var pollIntervalMilliseconds: Int64 = 10
        /// Its longest sleep with nothing due while `OutboxChangeWatcher` reports
        /// other processes' writes: a safety net, should it ever miss one.
        package var idleTickMilliseconds: Int64 = 100
        /// How long it polls at its shortest tick after the watcher saw the
        /// outbox's files written, for the commit to become visible.
        package var pollAfterWriteMilliseconds: Int64 = 50
        /// The maintenance services (`Maintainer`) run this often; the heartbeat
        /// as often, but at most every 2 s.
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
    /// `lanes` in name order, kept with them; a lane's `index` is its place here.
    let lanesInOrder = Mutex<[OperatorLane]>([])
    /// Lanes changed since the loop last looked (`LaneNews`).
    let news = LaneNews()
    let global: GlobalSlots
    let completed = Mutex<[AttemptReport]>([])
    let unsendable = Mutex<[UnsendableWin]>([])
    let wake: WakeSignal
    let timer: LoopTimer
    /// Until when (`DispatchTime` nanoseconds) the loop polls at its shortest tick
    /// because the outbox's files were written: see `outboxWritten()`.
    private let pollUntil = Atomic<UInt64>(0)
    let control: Mutex<Control>
    let calls = CallsInFlight()

    /// Calls started and not yet finished: what a hard stop cancels.
    package var callsInFlight: Int { calls.count }
    package let passes = PassCounter()
    /// Operator confirmations dropped at the stop because they could not be stored.
    let droppedConfirmations = Atomic<Int>(0)

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
        let wake = WakeSignal()
        self.wake = wake
        timer = LoopTimer(onFire: wake.signal)
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

    /// Runs until `requestStop()`, or until its task is cancelled (a hard stop,
    /// see `stopCalls`): claims and calls over `store`, which the caller has
    /// opened. Storage errors are logged and retried with back-off; results
    /// not yet stored are kept in memory until they are.
    func run(_ store: DispatcherStore) async {
        logger.info("start", ["daemon": .string(owner.description), "database": .string(databasePath)])
        let watcher = OutboxChangeWatcher.start(databasePath: databasePath) { [weak self] in self?.outboxWritten() }
        if watcher == nil {
            logger.warning(
                "no_change_watch",
                [
                    "database": .string(databasePath), "poll_ms": .int(settings.pollIntervalMilliseconds),
                    "detail": "inotify unavailable: polling for other processes' writes instead",
                ])
        }
        defer { watcher?.stop() }
        await withDiscardingTaskGroup { group in
            await loop(store, watching: watcher != nil, group: &group)
            await stopCalls(group: &group)
        }
        await finish(store)
    }

    /// Wakes, claims, starts calls, records, until a stop is requested or the task is cancelled.
    private func loop(_ store: DispatcherStore, watching: Bool, group: inout DiscardingTaskGroup) async {
        var storageBackoffMs: Int64 = 0
        var retryStorageAt: Int64 = 0
        timer.fire(withinMilliseconds: 0)
        while true {
            await wake.wait()
            // A cancelled task is a hard stop, and a stop: nothing more is claimed,
            // and every result is stored at the end.
            if Task.isCancelled { requestStop() }
            if control.withLock({ $0.stopRequested }) { return }
            let now = clock()
            if now < retryStorageAt {
                timer.fire(withinMilliseconds: retryStorageAt - now)
                continue
            }
            do {
                for launch in try await store.claimStep(now: now) { start(launch, in: &group) }
                let (resultsWaiting, nextClaimAt) = try await store.recordStep(now: now)
                passes.countLoop()
                if storageBackoffMs > 0 {
                    logger.info("storage_recovered", ["database": .string(databasePath)])
                    storageBackoffMs = 0
                }
                timer.fire(
                    withinMilliseconds: tickMilliseconds(
                        resultsWaiting: resultsWaiting, nextClaimAt: nextClaimAt, watching: watching))
            } catch {
                storageBackoffMs = min(max(storageBackoffMs * 2, 100), 10_000)
                retryStorageAt = now + storageBackoffMs
                logger.error(
                    "storage_error", ["error": .string(String(describing: error)), "retry_in_ms": .int(storageBackoffMs)])
                timer.fire(withinMilliseconds: storageBackoffMs)
            }
        }
    }

    /// The watcher saw a write to the outbox's files. It sees a commit's WAL
    /// frames being written, not the moment the commit becomes visible (after
    /// the fsync, in shared memory), so the loop looks now and keeps looking at
    /// its shortest tick for a while (a commit that takes longer is seen at the
    /// next idle tick).
    private func outboxWritten() {
        let until = DispatchTime.now().uptimeNanoseconds + UInt64(settings.pollAfterWriteMilliseconds) * 1_000_000
        pollUntil.store(until, ordering: .relaxed)
        wake.signal()
    }

    /// How long the loop may sleep after a pass. Calls ending, reloads, stops
    /// and (with `watching`) other processes' writes wake it themselves, so it
    /// ticks only for what falls due with time: results waiting for their shared
    /// commit, a retry, a circuit probe (`nextClaimAt`, the soonest of any lane).
    private func tickMilliseconds(resultsWaiting: Bool, nextClaimAt: Int64?, watching: Bool) -> Int64 {
        guard watching, DispatchTime.now().uptimeNanoseconds >= pollUntil.load(ordering: .relaxed) else {
            return settings.pollIntervalMilliseconds
        }
        if resultsWaiting { return settings.recordIntervalMilliseconds }
        let due = nextClaimAt.map { $0 - clock() } ?? settings.idleTickMilliseconds
        return min(max(due, settings.pollIntervalMilliseconds), settings.idleTickMilliseconds)
    }

    /// The daemon stopped holding operator confirmations it could not store
    /// (each named in a `confirmation_not_recorded` log line).
    package struct UnrecordedConfirmationsError: Error, CustomStringConvertible {
        package let count: Int
        package var description: String {
            "\(count) operator confirmation(s) could not be recorded before the daemon stopped; each is named in a confirmation_not_recorded log line: reconcile them with the operator"
        }
    }

    /// What the loop remembers between wake-ups.
    struct LoopState {
        var dataVersion: Int64 = -1
        var newRowsToValidate = true
        /// The newest win id seen after another connection's write; -1 before the first look.
        var lastWinId: Int64 = -1
        /// When another connection's write last made every lane look (`lookAtOtherWrites`).
        var everyLaneLookedAt: Int64 = 0
        var unrecorded: [AttemptReport] = []
        /// When the oldest of `unrecorded` was picked up.
        /// Measured on the monotonic clock, not `clock`: batching is about real
        /// elapsed time, whatever time a test's clock says it is.
        var unrecordedSince = ContinuousClock.now
        var unreleased: [ReadyWin] = []
        var unsendable: [UnsendableWin] = []
        var slotTurn = SlotTurn()
        var claimTurn = ClaimTurn()
        /// Lanes that wanted to claim in the last pass but were left for the next (`ClaimTurn`).
        var claimLeftOut = LaneSet(capacity: 0)
        /// The lanes this pass looks at, and takes changes from: those with
        /// news, those whose time came, those offered a slot.
        var touched: [OperatorLane] = []
        var touchedSet = LaneSet(capacity: 0)
        /// Per lane (by index): when a claim can next find work
        /// (`LaneState.nextClaimAt`; `Int64.max`: not before some news), as of the
        /// last look at it. A lane with no news is as it was then.
        var nextLook: [Int64] = []
        /// Lanes that may start a call given a slot (`LaneState.wantsSlot`), and
        /// lanes with no call in flight, as of the last look at each.
        var wantingSlots = LaneSet(capacity: 0)
        var withoutCalls = LaneSet(capacity: 0)
        /// Lanes that may take a slot of the global reserve (`LaneState.isQuiet`).
        var quiet = LaneSet(capacity: 0)

        /// Sizes the per-lane state for `count` lanes, after a configure: every lane gets a look.
        mutating func resize(lanes count: Int) {
            touched = []
            touchedSet = LaneSet(capacity: count)
            nextLook = Array(repeating: Int64.min, count: count)
            wantingSlots = LaneSet(capacity: count)
            withoutCalls = LaneSet(capacity: count)
            quiet = LaneSet(capacity: count)
            claimLeftOut = LaneSet(capacity: count)
        }

        /// Adds `lane` to this pass's lanes, once.
        mutating func touch(_ lane: OperatorLane) {
            let index = lane.index
            guard index < nextLook.count, !touchedSet.contains(index) else { return }
            touchedSet.insert(index)
            touched.append(lane)
        }

        /// Keeps what a look at lane `index` saw.
        mutating func keep(_ look: OperatorLane.Look, of index: Int) {
            guard index < nextLook.count else { return }
            nextLook[index] = look.nextClaimAt ?? Int64.max
            wantingSlots.set(index, look.wantsSlot)
            withoutCalls.set(index, !look.hasCallsInFlight)
            quiet.set(index, look.isQuiet)
        }
        /// Circuit state last logged per operator: transitions are logged, not every count.
        var loggedCircuits: [String: CircuitBreaker.State] = [:]
    }
}

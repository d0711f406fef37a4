import Foundation
import Synchronization

/// Turns the outbox into confirmed deliveries.
///
/// One loop owns the database connection. Per wake-up it claims new wins (a
/// commit without fsync), starts calls, and records the calls that finished in
/// one fsynced transaction, so results that finish while a commit is in
/// progress are batched into the next one. Calls run as tasks beside the loop;
/// a call that ends takes the next ready win of its operator at once, without
/// waiting for the loop's commit.
public final class Dispatcher: Sendable {
    public struct Settings: Sendable {
        /// How often `PRAGMA data_version` is polled for wins written by other processes.
        public var pollIntervalMilliseconds = 10
        /// Pause flags, lease recovery, max age and new-row validation run this often.
        public var housekeepingIntervalMilliseconds: Int64 = 500
        /// How long finished calls may wait in memory so that many share one fsynced
        /// commit: at thousands of calls a second, a commit per call would cost more
        /// disk writes and CPU than the calls themselves.
        public var recordIntervalMilliseconds: Int64 = 10
        public var metricsIntervalMilliseconds: Int64 = 5000
        public var metricsFile: String?
        public init() {}
    }

    let databasePath: String
    let transport: any HTTPTransport
    let logger: Logger
    let metrics: MetricsRegistry
    let owner: LeaseOwner
    let settings: Settings
    let clock: @Sendable () -> Int64

    private let lanes = Mutex<[String: OperatorLane]>([:])
    private let laneOrder = Mutex<[String]>([])
    private let global: GlobalSlots
    private let completed = Mutex<[AttemptReport]>([])
    private let wake = WakeSignal()
    private let control: Mutex<Control>
    private let tasks = Mutex<[Int: Task<Void, Never>]>([:])
    private let taskCounter = Atomic<Int>(0)

    private struct Control {
        var config: JackpotConfig
        var pendingConfig: JackpotConfig?
        var stopRequested = false
    }

    public init(
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
    public func requestStop() {
        control.withLock { $0.stopRequested = true }
        wake.signal()
    }

    /// Takes a reloaded configuration (operators, secrets, limits) at the next wake-up.
    public func apply(_ config: JackpotConfig) {
        control.withLock { $0.pendingConfig = config }
        wake.signal()
    }

    /// Runs until `requestStop()`. Storage errors are logged and retried with
    /// back-off; results not yet stored are kept in memory until they are.
    public func run() async throws {
        let outbox = try Outbox(path: databasePath)
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

    private func step(_ outbox: Outbox, _ loop: inout LoopState, now: Int64) throws {
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
        }
        try recordAndClaim(outbox, &loop, now: now)
        if let file = settings.metricsFile, now >= loop.nextMetrics {
            loop.nextMetrics = now + settings.metricsIntervalMilliseconds
            try writeMetrics(outbox, to: file, now: now)
        }
    }

    // MARK: - Configuration

    private func configure(_ config: JackpotConfig, outbox: Outbox, now: Int64) throws {
        control.withLock { $0.config = config }
        global.setLimit(config.globalConcurrency)
        let stored = try outbox.operatorStates()
        lanes.withLock { lanes in
            for (name, operatorConfig) in config.operators {
                if let lane = lanes[name] {
                    lane.withState { state in
                        state.config = operatorConfig
                        state.removed = false
                        state.nextCheckAt = now
                    }
                } else {
                    let breaker = stored[name]?.breaker(settings: operatorConfig.circuit) ?? CircuitBreaker(settings: operatorConfig.circuit)
                    let lane = OperatorLane(config: operatorConfig, breaker: breaker)
                    lane.withState { $0.paused = stored[name]?.paused ?? false }
                    lanes[name] = lane
                }
            }
            for (name, lane) in lanes where config.operators[name] == nil {
                lane.withState { $0.removed = true }
            }
        }
        laneOrder.withLock { $0 = lanes.withLock { Array($0.keys).sorted() } }
        try outbox.ensureOperators(Array(config.operators.keys), now: now)
        logger.info("config", [
            "operators": .string(config.operators.keys.sorted().joined(separator: ",")),
            "concurrency": .int(Int64(config.globalConcurrency)),
        ])
    }

    private func allLanes() -> [OperatorLane] {
        let order = laneOrder.withLock { $0 }
        return lanes.withLock { lanes in order.compactMap { lanes[$0] } }
    }

    // MARK: - Housekeeping

    private func housekeeping(_ outbox: Outbox, _ loop: inout LoopState, now: Int64) throws {
        do {
            try outbox.database.requireNotMoved()
        } catch {
            throw DatabaseMovedError(underlying: error)
        }
        let states = try outbox.operatorStates()
        for lane in allLanes() {
            let paused = states[lane.name]?.paused ?? false
            let changed = lane.withState { state -> Bool in
                defer { state.paused = paused }
                return state.paused != paused
            }
            if changed {
                logger.info(paused ? "operator_paused" : "operator_resumed", ["operator": .string(lane.name)])
                if !paused { lane.checkSoon(at: now) }
            }
        }
        try outbox.database.transaction {
            let recovered = try outbox.recoverLeases(now: now, isDead: owner.knowsDead)
            if !recovered.isEmpty {
                logger.warning("leases_recovered", ["count": .int(Int64(recovered.count))])
                for lane in allLanes() { lane.checkSoon(at: now) }
            }
            for lane in allLanes() {
                let config = lane.config
                let maxAgeMs = Int64(config.retry.maxAgeHours * 3_600_000)
                let expired = try outbox.expire(
                    operator: lane.name, createdBefore: now - maxAgeMs,
                    reason: "not delivered within maxAgeHours (\(Self.format(config.retry.maxAgeHours)) h)", now: now)
                for reference in expired {
                    logger.warning("win_failed", ["operator": .string(lane.name), "reference": .string(reference), "reason": "max age"])
                }
            }
            if loop.newRowsToValidate {
                loop.newRowsToValidate = false
                let known = Set(control.withLock { $0.config.operators.keys })
                for parked in try outbox.parkInvalidNewWins(knownOperators: known, now: now) {
                    logger.warning("win_failed", ["reference": .string(parked.reference), "reason": .string(parked.reason)])
                }
            }
        }
    }

    // MARK: - Record and claim

    /// Claims, starts the calls, then records what finished — as two transactions.
    /// Only the record is fsynced: it is the operator's answer that must survive a
    /// power cut. A claim lost to one leaves its wins `pending`, and they are sent
    /// again, as after any crash. Committing the claim first, without waiting on
    /// the disk, keeps the calls fed while the record's fsync runs.
    private func recordAndClaim(_ outbox: Outbox, _ loop: inout LoopState, now: Int64) throws {
        try claim(outbox, now: now)
        startCalls(&loop, now: now)
        try record(outbox, &loop, now: now)
    }

    /// Stores finished attempts (once the oldest has waited `recordIntervalMilliseconds`,
    /// or when stopping), released claims and changed circuits.
    private func record(_ outbox: Outbox, _ loop: inout LoopState, now: Int64) throws {
        let finished = completed.withLock { reports in
            defer { reports.removeAll(keepingCapacity: true) }
            return reports
        }
        if loop.unrecorded.isEmpty { loop.unrecordedSince = .now }
        loop.unrecorded += finished
        for lane in allLanes() { loop.unreleased += lane.takeReleases() }
        let circuits = allLanes().compactMap { lane in lane.takeDirtyCircuit().map { (lane.name, $0) } }
        let resultsDue = !loop.unrecorded.isEmpty
            && (ContinuousClock.now - loop.unrecordedSince >= .milliseconds(settings.recordIntervalMilliseconds)
                || control.withLock { $0.stopRequested })
        guard resultsDue || !loop.unreleased.isEmpty || !circuits.isEmpty else { return }

        var outcomes = loop.unrecorded.map { outcome(for: $0, now: now) }
        outcomes += loop.unreleased.map { RecordedOutcome(winId: $0.stored.id, attempt: nil, change: .released) }
        let write = {
            try outbox.record(outcomes, owner: self.owner.description, now: now)
            for (name, breaker) in circuits { try outbox.saveCircuit(operator: name, breaker, now: now) }
        }
        do {
            // Releases and circuits alone may be lost in a power cut: leases expire, circuits re-learn.
            if loop.unrecorded.isEmpty {
                try outbox.database.transactionWithoutSync(write)
            } else {
                try outbox.database.transaction(write)
            }
        } catch {
            // Nothing was stored: put the circuits back as dirty and keep the results for the next try.
            for (name, _) in circuits { lanes.withLock { $0[name] }?.withState { $0.circuitDirty = true } }
            throw error
        }
        for (report, outcome) in zip(loop.unrecorded, outcomes) { observe(report, outcome) }
        for (name, breaker) in circuits where loop.loggedCircuits[name, default: .closed] != breaker.state {
            loop.loggedCircuits[name] = breaker.state
            let fields: KeyValuePairs<String, LogValue> = [
                "operator": .string(name), "state": .string(breaker.state.rawValue),
                "consecutive_failures": .int(Int64(breaker.consecutiveFailures)),
                "probe_at": .string(breaker.openUntilMs.flatMap { TimeFormat.iso8601($0) } ?? "-"),
            ]
            if breaker.state == .closed { logger.info("circuit", fields) } else { logger.warning("circuit", fields) }
        }
        loop.unrecorded.removeAll(keepingCapacity: true)
        loop.unreleased.removeAll(keepingCapacity: true)
    }

    /// Leases due wins to every lane with room, building each win's request.
    private func claim(_ outbox: Outbox, now: Int64) throws {
        let stopping = control.withLock { $0.stopRequested }
        let wants = stopping ? [] : allLanes().map { ($0, $0.claimLimit(now: now)) }.filter { $0.1 > 0 }
        guard !wants.isEmpty else { return }
        var claimed: [(OperatorLane, [ReadyWin], Int, Int64?)] = []
        var parked: [(String, String, String)] = []
        try outbox.database.transactionWithoutSync {
            claimed = []
            parked = []
            for (lane, limit) in wants {
                let config = lane.config
                let leaseExpiresAt = now + Int64((config.timeoutSeconds * 3 + 30) * 1000)
                let providerId = control.withLock { $0.config.providerId }
                var ready: [ReadyWin] = []
                var unsendable: [RecordedOutcome] = []
                let wins = try outbox.claim(
                    operator: lane.name, limit: limit, owner: owner.description, leaseExpiresAt: leaseExpiresAt, now: now)
                for stored in wins {
                    do {
                        let request = try WireRequest.build(win: try stored.win(), providerId: providerId, operator: config)
                        ready.append(ReadyWin(stored: stored, request: request, leaseExpiresAt: leaseExpiresAt))
                    } catch {
                        // Parked again by the next claim if this commit is lost: the row stays invalid.
                        let reason = "cannot be sent: \(error)"
                        unsendable.append(RecordedOutcome(winId: stored.id, attempt: nil, change: .failed(reason: reason)))
                        parked.append((lane.name, stored.reference, reason))
                    }
                }
                try outbox.record(unsendable, owner: owner.description, now: now)
                // A full claim may have left more due wins behind: look again now, even
                // when unsendable rows (parked above) made the ready batch fall short.
                let nextDue = wins.count < limit ? try outbox.nextDueTime(operator: lane.name) : now
                claimed.append((lane, ready, limit, nextDue))
            }
        }
        for (lane, ready, limit, nextDue) in claimed { lane.claimed(ready, requested: limit, nextDue: nextDue, now: now) }
        for (name, reference, reason) in parked {
            logger.warning("win_failed", ["operator": .string(name), "reference": .string(reference), "reason": .string(reason)])
        }
    }

    /// The win's next state after an attempt: the retry policy and max age decide.
    private func outcome(for report: AttemptReport, now: Int64) -> RecordedOutcome {
        let lane = lanes.withLock { $0[report.operatorName] }
        let retrySettings = lane?.config.retry ?? RetrySettings()
        let record = AttemptRecord(
            winId: report.win.stored.id, attempt: report.attempt, startedAt: report.startedAt,
            durationMs: report.durationMs, httpStatus: report.httpStatus, errorCode: report.errorCode,
            outcome: report.outcome.outcomeLabel, detail: report.outcome.summary,
            responseHead: report.responseHead, daemon: owner.description)
        switch report.outcome {
        case .delivered(let confirmation):
            return RecordedOutcome(winId: record.winId, attempt: record, change: .delivered(confirmation))
        case .giveUp:
            return RecordedOutcome(
                winId: record.winId, attempt: record,
                change: .failed(reason: "\(report.outcome.summary) (a no-retry error code of this operator)"))
        case .retry(_, let retryAfter):
            let policy = RetryPolicy(retrySettings)
            if policy.isExpired(enqueuedAtMs: report.win.stored.ageOrigin, nowMs: now) {
                var failed = record
                failed.outcome = "failed"
                return RecordedOutcome(
                    winId: record.winId, attempt: failed,
                    change: .failed(reason: "not delivered within maxAgeHours (\(Self.format(retrySettings.maxAgeHours)) h); last: \(report.outcome.summary)"))
            }
            var random = SystemRandomNumberGenerator()
            let delay = policy.delaySeconds(afterAttempts: report.attempt, retryAfter: retryAfter, using: &random)
            let next = now + Int64(delay * 1000)
            lane?.checkSoon(at: next)
            return RecordedOutcome(winId: record.winId, attempt: record, change: .retry(nextAttemptAt: next, reason: report.outcome.summary))
        }
    }

    /// Logs and counts an attempt once it is stored.
    private func observe(_ report: AttemptReport, _ outcome: RecordedOutcome) {
        let label = outcome.attempt?.outcome ?? report.outcome.outcomeLabel
        var fields: KeyValuePairs<String, LogValue> {
            [
                "operator": .string(report.operatorName), "reference": .string(report.win.stored.reference),
                "attempt": .int(Int64(report.attempt)), "status": .string(report.httpStatus.map(String.init) ?? "-"),
                "duration_ms": .double((report.durationMs * 10).rounded() / 10), "outcome": .string(label),
                "detail": .string(report.outcome.summary),
            ]
        }
        switch label {
        case "delivered": logger.info("attempt", fields)
        case "failed": logger.warning("attempt", fields)
        default: logger.info("attempt", fields)
        }
        let labels = ["operator": report.operatorName]
        metrics.counter(MetricNames.attemptsTotal, help: "Calls made to operators, by outcome.",
                        labels: ["operator": report.operatorName, "outcome": label])
        metrics.observe(MetricNames.attemptDurationSeconds, help: "Duration of calls to operators.",
                        labels: labels, value: report.durationMs / 1000, buckets: MetricNames.attemptDurationBuckets)
    }

    // MARK: - Calls

    /// Starts calls for free slots, one operator at a time in rotation so that
    /// a global limit is shared fairly.
    private func startCalls(_ loop: inout LoopState, now: Int64) {
        let lanes = allLanes()
        guard !lanes.isEmpty else { return }
        global.clearStarved()
        loop.rotation = (loop.rotation + 1) % lanes.count
        let rotated = Array(lanes[loop.rotation...] + lanes[..<loop.rotation])
        var progress = true
        while progress {
            progress = false
            for lane in rotated {
                if let win = lane.takeNext(now: now, global: global) {
                    launch(win, on: lane)
                    progress = true
                }
            }
        }
    }

    private func launch(_ first: ReadyWin, on lane: OperatorLane) {
        let id = taskCounter.add(1, ordering: .relaxed).newValue
        // Registered under the lock the task's own removal takes: a call that ends
        // before `launch` returns must not leave a finished task behind, which
        // shutdown would then wait on for the whole grace period.
        tasks.withLock { tasks in
            tasks[id] = Task { [self] in
                var next: ReadyWin? = first
                while let win = next {
                    let report = await AttemptReport.perform(win, operatorConfig: lane.config, transport: transport, clock: clock)
                    let now = clock()
                    lane.finished(report.outcome, now: now, global: global)
                    completed.withLock { $0.append(report) }
                    // Keep the slot busy with this operator's next ready win, unless
                    // another operator is waiting for a global slot.
                    next = global.isStarved || Task.isCancelled ? nil : lane.takeNext(now: now, global: global)
                    // Wake the loop only when it has something to do now: a call that
                    // cannot go on (a slot to share, wins to release) or a batch to
                    // claim. Results alone wait for the next tick to share a commit.
                    if next == nil || lane.claimLimit(now: now) > 0 { wake.signal() }
                }
                _ = self.tasks.withLock { $0.removeValue(forKey: id) }
            }
        }
    }

    // MARK: - Shutdown

    private func shutdown(_ outbox: Outbox, _ loop: inout LoopState) async {
        let grace = control.withLock { $0.config.shutdownGraceSeconds }
        logger.info("stopping", ["in_flight": .int(Int64(global.inUse)), "grace_seconds": .double(grace)])
        for lane in allLanes() { lane.withState { $0.stopping = true } }
        let deadline = ContinuousClock.now + .milliseconds(Int64(grace * 1000))
        while tasks.withLock({ !$0.isEmpty }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let unfinished = tasks.withLock { Array($0.values) }
        if !unfinished.isEmpty {
            logger.warning("grace_period_over", ["cancelled_calls": .int(Int64(unfinished.count))])
            for task in unfinished { task.cancel() }
            for task in unfinished { await task.value }
        }
        // Store every result, hand back every unsent claim; retry storage a few times.
        for attempt in 1...20 {
            do {
                try recordAndClaim(outbox, &loop, now: clock())
                try outbox.releaseAll(owner: owner.description, now: clock())
                break
            } catch {
                logger.error("storage_error", ["error": .string(String(describing: error)), "attempt": .int(Int64(attempt))])
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        if let file = settings.metricsFile { try? writeMetrics(outbox, to: file, now: clock()) }
        logger.info("stop", ["daemon": .string(owner.description)])
    }

    // MARK: - Metrics

    private func writeMetrics(_ outbox: Outbox, to path: String, now: Int64) throws {
        let snapshot = try outbox.statusSnapshot(now: now)
        metrics.resetGauges(named: MetricNames.wins)
        metrics.resetGauges(named: MetricNames.oldestPendingAgeSeconds)
        for count in snapshot.counts {
            metrics.gauge(MetricNames.wins, help: "Wins in the outbox by operator and state.",
                          labels: ["operator": count.operatorName, "state": count.state.rawValue], set: Double(count.count))
        }
        for lane in allLanes() {
            let age = snapshot.oldestPendingCreatedAt[lane.name].map { Double(max(0, now - $0)) / 1000 } ?? 0
            metrics.gauge(MetricNames.oldestPendingAgeSeconds, help: "Age of the oldest pending win.",
                          labels: ["operator": lane.name], set: age)
            let (open, paused) = lane.withState { ($0.breaker.state != .closed, $0.paused) }
            metrics.gauge(MetricNames.circuitOpen, help: "1 while the operator's circuit is open or half-open.",
                          labels: ["operator": lane.name], set: open ? 1 : 0)
            metrics.gauge(MetricNames.operatorPaused, help: "1 while the operator is paused by ops.",
                          labels: ["operator": lane.name], set: paused ? 1 : 0)
        }
        metrics.gauge(MetricNames.metricsWrittenTimestampSeconds, help: "When this file was written.",
                      labels: [:], set: Double(now) / 1000)
        do {
            try AtomicFile.write(metrics.render(), to: path)
        } catch {
            logger.error("metrics_write_failed", ["path": .string(path), "error": .string(String(describing: error))])
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}

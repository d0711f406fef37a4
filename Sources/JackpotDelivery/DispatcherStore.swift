import JackpotConfiguration
import JackpotStore
import JackpotWire
import Synchronization

/// The dispatcher's writer connection and the loop state that goes with it,
/// isolated to a serial queue of their own (GRDB's `SerializedDatabase`).
///
/// Every SQLite call of the daemon — fsynced commits, busy waits on a lock
/// another process holds — blocks this queue's thread, never one of the
/// cooperative threads (two on a 2-core machine) that every call, every other
/// daemon in the process and every test share. The code that uses the
/// connection is isolated to this actor (its methods, and the maintenance
/// services' `runOnce(on:)`), so that it runs on this thread is checked by
/// the compiler.
package actor DispatcherStore {
    private let executor = QueueExecutor(label: "jackpotd.outbox")
    package nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let dispatcher: Dispatcher
    private var outbox: Outbox?
    private var busyTimeoutMilliseconds = 5000
    var loop = Dispatcher.LoopState()

    package init(dispatcher: Dispatcher) {
        self.dispatcher = dispatcher
    }

    /// Opens the outbox, migrating it, and checks that it can be written.
    package func open(path: String, busyTimeoutMilliseconds: Int, checkpoints: CheckpointOwner) throws {
        let outbox = try Outbox(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, checkpoints: checkpoints)
        // A daemon that cannot write would claim nothing and retry forever; exiting
        // lets the service manager restart it once the file is writable again.
        try outbox.requireWritable()
        self.outbox = outbox
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
    }

    /// Config, new rows, claims; returns the calls to start. Package access:
    /// a test runs one pass's claims and looks at the outbox.
    package func claimStep(now: Int64) throws -> [Dispatcher.Launch] {
        try applyPendingConfig(now: now)
        let version = try openOutbox().dataVersion()
        if version != loop.dataVersion {
            loop.dataVersion = version
            loop.newRowsToValidate = true
            try lookAtOtherWrites(now: now)
        }
        lookAtLanesWithNews(now: now)
        try claim(now: now)
        return dispatcher.startCalls(&loop, now: now)
    }

    /// Another connection wrote. New wins tell their lanes when they are due,
    /// from a search of the newest rows; a write that added none (an operator's
    /// command, another daemon giving wins back), and at least once a second
    /// whatever was written, makes every lane learn when its next pending win
    /// is due, from one statement. Either way no lane claims only to find out.
    private func lookAtOtherWrites(now: Int64) throws {
        let outbox = try openOutbox()
        let due: [String: Int64]
        if loop.lastWinId >= 0 && now - loop.everyLaneLookedAt < Self.everyLaneLookInterval,
            case (let newWins, let lastId) = try outbox.newPendingWins(after: loop.lastWinId), lastId > loop.lastWinId
        {
            loop.lastWinId = lastId
            due = newWins
        } else {
            due = try outbox.nextClaimTimes()
            loop.lastWinId = try outbox.newPendingWins(after: Int64.max).lastId
            loop.everyLaneLookedAt = now
        }
        let lanes = dispatcher.lanes.withLock { $0 }
        for (name, time) in due { lanes[name]?.checkSoon(at: max(time, now)) }
    }

    /// How often, at most, another connection's writes make every lane look at its pending wins.
    static let everyLaneLookInterval: Int64 = 1000

    /// Adds to this pass the lanes with news and those whose time came.
    private func lookAtLanesWithNews(now: Int64) {
        let lanes = dispatcher.allLanes()
        for lane in dispatcher.news.take() { loop.touch(lane) }
        for index in loop.claimLeftOut.inTurn(from: 0) where index < lanes.count { loop.touch(lanes[index]) }
        loop.claimLeftOut = LaneSet(capacity: loop.nextLook.count)
        for (index, time) in loop.nextLook.enumerated() where time <= now && index < lanes.count {
            loop.touch(lanes[index])
        }
    }

    /// Stores finished calls, once the new calls are started: whether some
    /// wait in memory for the commit they will share, and when a lane's claim
    /// can next find work with nothing else happening.
    func recordStep(now: Int64) throws -> (resultsWaiting: Bool, nextClaimAt: Int64?) {
        try record(now: now)
        var soonest = loop.claimLeftOut.count > 0 ? now : loop.nextLook.min() ?? Int64.max
        for lane in dispatcher.news.peek() { soonest = min(soonest, lane.nextClaimAt(now: now) ?? Int64.max) }
        return (!loop.unrecorded.isEmpty, soonest == Int64.max ? nil : soonest)
    }

    /// Takes a configuration given to `Dispatcher.apply` (or the first one), if any.
    package func applyPendingConfig(now: Int64) throws {
        let pending = dispatcher.control.withLock { state -> JackpotConfig? in
            defer { state.pendingConfig = nil }
            return state.pendingConfig
        }
        guard let config = pending else { return }
        try configure(config, now: now)
        loop.newRowsToValidate = true
    }

    /// After the last call: every result stored, every unsent claim handed back.
    func finish(now: Int64) throws {
        try record(now: now, everyLane: true)
        try openOutbox().releaseAll(owner: dispatcher.owner.description, now: now)
    }

    /// Operator confirmations `finish` could not store.
    func unrecordedConfirmations() -> [(AttemptReport, Confirmation)] {
        loop.unrecorded.compactMap { report in
            guard case .delivered(let confirmation) = report.outcome else { return nil }
            return (report, confirmation)
        }
    }

    /// The `-wal` file was deleted under this connection: what only it holds
    /// (accepted wins, recorded deliveries) is lost at the next crash. This
    /// connection still has it open, so it writes every frame into the database
    /// file, which is still in place, then gives way to a new connection, which
    /// uses the log now at the path as every other process does. The daemon
    /// stops after this; until then its writes go through the new connection.
    func saveDeletedWAL(_ deleted: OutboxFileCheck.WALDeletedError) -> OutboxFileCheck.WALDeletedError {
        var outcome = deleted
        do {
            let old = try openOutbox()
            let (complete, frames) = try old.checkpointIntoDatabaseFile()
            outcome.framesSaved = frames
            guard complete else {
                outcome.problem = "a reader kept some frames from being written; this connection keeps the log open"
                return outcome
            }
            outbox = try Outbox(path: old.path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            outcome.saved = true
        } catch {
            outcome.problem = String(describing: error)
        }
        return outcome
    }

    /// Sets the gauges from the outbox; `MetricsWriter` renders and writes the
    /// file off this queue, which every claim and record waits for.
    func refreshMetrics(now: Int64) throws {
        try dispatcher.refreshMetrics(openOutbox(), now: now)
    }

    func openOutbox() throws -> Outbox {
        guard let outbox else { preconditionFailure("DispatcherStore used before open()") }
        return outbox
    }
}

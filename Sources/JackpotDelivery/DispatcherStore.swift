import JackpotStore
import JackpotWire

/// The dispatcher's writer connection and the loop state that goes with it,
/// isolated to a serial queue of their own (GRDB's `SerializedDatabase`).
///
/// Every SQLite call of the daemon — fsynced commits, busy waits on a lock
/// another process holds — blocks this queue's thread, never one of the
/// cooperative threads (two on a 2-core machine) that every call, every other
/// daemon in the process and every test share.
actor DispatcherStore {
    private let executor = QueueExecutor(label: "jackpotd.outbox")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let dispatcher: Dispatcher
    private var outbox: Outbox?
    private var busyTimeoutMilliseconds = 5000
    private var loop = Dispatcher.LoopState()

    init(dispatcher: Dispatcher) {
        self.dispatcher = dispatcher
    }

    /// Opens the outbox, migrating it, and checks that it can be written.
    func open(path: String, busyTimeoutMilliseconds: Int, checkpoints: CheckpointOwner) throws {
        let outbox = try Outbox(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, checkpoints: checkpoints)
        // A daemon that cannot write would claim nothing and retry forever; exiting
        // lets the service manager restart it once the file is writable again.
        try outbox.requireWritable()
        self.outbox = outbox
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
    }

    /// Config, housekeeping and claims; returns the calls to start.
    func claimStep(now: Int64) throws -> [Dispatcher.Launch] {
        try dispatcher.claimStep(openOutbox(), &loop, now: now)
    }

    /// Stores finished calls; true while some wait for their shared commit.
    func recordStep(now: Int64) throws -> Bool {
        try dispatcher.recordStep(openOutbox(), &loop, now: now)
    }

    /// After the last call: every result stored, every unsent claim handed back.
    func finish(now: Int64) throws {
        try dispatcher.finish(openOutbox(), &loop, now: now)
    }

    /// Operator confirmations `finish` could not store.
    func unrecordedConfirmations() -> [(AttemptReport, Confirmation)] {
        dispatcher.unrecordedConfirmations(loop)
    }

    /// Pause flags, lease rescue, max age. A deleted `-wal` is dealt with here,
    /// before any other write can run on this connection.
    func housekeep(now: Int64) throws {
        do {
            try dispatcher.housekeeping(openOutbox(), &loop, now: now)
        } catch let deleted as Dispatcher.WALDeletedError {
            throw saveDeletedWAL(deleted)
        }
    }

    /// The `-wal` file was deleted under this connection: what only it holds
    /// (accepted wins, recorded deliveries) is lost at the next crash. This
    /// connection still has it open, so it writes every frame into the database
    /// file, which is still in place, then gives way to a new connection, which
    /// uses the log now at the path as every other process does. The daemon
    /// stops after this; until then its writes go through the new connection.
    private func saveDeletedWAL(_ deleted: Dispatcher.WALDeletedError) -> Dispatcher.WALDeletedError {
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

    /// One slice of new rows checked, bad ones parked; true while more are left.
    func validateNewRows(now: Int64) throws -> Bool {
        try dispatcher.validateNewRows(openOutbox(), &loop, now: now)
    }

    /// The daemon's row in `daemons` (see `DaemonHeartbeat`).
    func heartbeat(startedAt: Int64, now: Int64) throws {
        let owner = dispatcher.owner
        try openOutbox().recordHeartbeat(DaemonHeartbeat(
            owner: owner.description, host: owner.host, pid: owner.pid, startedAt: startedAt, lastSeenAt: now,
            intervalMilliseconds: Housekeeper.heartbeatMilliseconds(dispatcher)))
    }

    /// Drops the rows of daemons on this host whose process is gone: their
    /// leases are recovered by this daemon, so `status` need not list them.
    func forgetDeadNeighbours(now: Int64) throws {
        let outbox = try openOutbox()
        try outbox.pruneHeartbeats(silentSince: now - 7 * 86_400_000)
        for beat in try outbox.heartbeats() where dispatcher.owner.knowsDead(beat.owner) {
            try outbox.removeHeartbeat(owner: beat.owner)
        }
    }

    func removeHeartbeat() throws {
        try openOutbox().removeHeartbeat(owner: dispatcher.owner.description)
    }

    func writeMetrics(to path: String, now: Int64) throws {
        try dispatcher.writeMetrics(openOutbox(), to: path, now: now)
    }

    private func openOutbox() throws -> Outbox {
        guard let outbox else { preconditionFailure("DispatcherStore used before open()") }
        return outbox
    }
}

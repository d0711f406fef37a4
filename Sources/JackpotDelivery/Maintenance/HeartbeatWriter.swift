import JackpotStore

/// Keeps this daemon's row in `daemons` (`DaemonHeartbeat`), which `status`
/// reads to tell a live lease holder from a vanished one: written every
/// interval, removed when the daemon stops cleanly. Not every housekeeping
/// pass: the write would contend with the claims for the outbox's one write
/// lock, for a liveness signal that needs seconds.
package struct HeartbeatWriter: MaintenanceService {
    package struct Settings: Sendable {
        package var interval = Duration.seconds(2)
        /// Rows of daemons silent this long are dropped at start, wherever they ran.
        package var forgetSilentAfter = Duration.seconds(7 * 86_400)
        package init(interval: Duration = .seconds(2)) { self.interval = interval }
    }

    package struct Pass: MaintenancePass {}

    let dispatcher: Dispatcher
    let settings: Settings
    /// When this daemon started, as its row says.
    let startedAt: Int64
    package let signal: MaintenanceSignal
    package var name: String { "heartbeat" }
    package var interval: Duration { settings.interval }

    package init(
        dispatcher: Dispatcher, startedAt: Int64, settings: Settings = Settings(), signal: MaintenanceSignal = MaintenanceSignal()
    ) {
        self.dispatcher = dispatcher
        self.startedAt = startedAt
        self.settings = settings
        self.signal = signal
    }

    /// Drops the rows of daemons on this host whose process is gone: their
    /// leases are rescued by this daemon, so `status` need not list them.
    package func start(on store: isolated DispatcherStore, now: Int64) throws {
        let outbox = try store.openOutbox()
        try outbox.pruneHeartbeats(silentSince: now - Self.milliseconds(settings.forgetSilentAfter))
        for beat in try outbox.heartbeats() where dispatcher.owner.knowsDead(beat.owner) {
            try outbox.removeHeartbeat(owner: beat.owner)
        }
    }

    package func runOnce(on store: isolated DispatcherStore, now: Int64) throws -> Pass {
        let owner = dispatcher.owner
        try store.openOutbox().recordHeartbeat(
            DaemonHeartbeat(
                owner: owner.description, host: owner.host, pid: owner.pid, startedAt: startedAt, lastSeenAt: now,
                intervalMilliseconds: Self.milliseconds(settings.interval)))
        return Pass()
    }

    /// Stopped cleanly: `status` should not list this daemon as vanished.
    package func stop(on store: isolated DispatcherStore) throws {
        try store.openOutbox().removeHeartbeat(owner: dispatcher.owner.description)
    }

    /// Whole milliseconds, as the outbox stores times.
    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// One of the daemon's chores beside the dispatcher loop (River's maintenance
/// services): a pause flag to copy, a lease to rescue, a row to check. Each
/// runs on a schedule of its own, so one that is slow or failing holds up no
/// other, and each pass is one `runOnce`, which a test calls directly on a
/// temporary outbox with the clock it chooses.
///
/// `runOnce` takes the store as an `isolated` parameter: it runs on the
/// store's queue and uses its connection, and the compiler holds every caller
/// to that.
package protocol MaintenanceService: Sendable {
    associatedtype Pass: MaintenancePass

    /// Names the chore in logs (`in=…`).
    var name: String { get }
    /// How long it waits after a pass before the next.
    var interval: Duration { get }
    /// Counts its passes, for tests that wait for one.
    var signal: MaintenanceSignal { get }

    /// Once, before the first pass.
    func start(on store: isolated DispatcherStore, now: Int64) throws
    /// One pass.
    func runOnce(on store: isolated DispatcherStore, now: Int64) throws -> Pass
    /// Once, when the daemon stops.
    func stop(on store: isolated DispatcherStore) throws
}

extension MaintenanceService {
    package func start(on store: isolated DispatcherStore, now: Int64) throws {}
    package func stop(on store: isolated DispatcherStore) throws {}
}

/// What one pass did, as far as whoever runs it needs to know.
package protocol MaintenancePass: Sendable {
    /// The dispatcher loop may have work now (a pause lifted, a lease rescued).
    var wakesLoop: Bool { get }
    /// Work is left: the next pass follows at once instead of after the interval.
    var workLeft: Bool { get }
}

extension MaintenancePass {
    package var wakesLoop: Bool { false }
    package var workLeft: Bool { false }
}

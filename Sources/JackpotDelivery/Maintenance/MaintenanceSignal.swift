import Synchronization

/// How many passes one maintenance service has completed. A test shows that a
/// chore had its chance (the pause flag was read twice, the lease rescuer ran)
/// by waiting for its count to move, never by sleeping; each chore has its
/// own, so a test waits for the one it means. An atomic add per pass: nothing
/// to switch off in production.
package final class MaintenanceSignal: Sendable {
    private let passes = Atomic<Int>(0)

    package init() {}

    /// Completed passes.
    package var count: Int { passes.load(ordering: .acquiring) }

    func countPass() { passes.add(1, ordering: .releasing) }
}

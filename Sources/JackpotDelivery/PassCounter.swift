import Synchronization

/// How many times the dispatcher's loop and each maintenance service have run.
/// A test shows that nothing happened (no claim while paused, no call while a
/// circuit is open) by waiting for more passes, not by sleeping for a guessed time.
package final class PassCounter: Sendable {
    private let loopPasses = Atomic<Int>(0)
    /// One signal per maintenance service (`Maintainer`).
    package let fileCheck = MaintenanceSignal()
    package let pauseFlags = MaintenanceSignal()
    package let leaseRescue = MaintenanceSignal()
    package let maxAge = MaintenanceSignal()
    package let newWins = MaintenanceSignal()
    package let heartbeat = MaintenanceSignal()

    package init() {}

    /// Completed loop steps (claim, start calls, record).
    package var loop: Int { loopPasses.load(ordering: .acquiring) }
    /// The services that run every housekeeping interval: all but the
    /// heartbeat, which beats at most every 2 s.
    package var housekeepingChores: [MaintenanceSignal] { [fileCheck, pauseFlags, leaseRescue, maxAge, newWins] }

    func countLoop() { loopPasses.add(1, ordering: .releasing) }
}

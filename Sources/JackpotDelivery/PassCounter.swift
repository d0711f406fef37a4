import Synchronization

/// How many times the dispatcher's loop and its housekeeping have run. A test
/// shows that nothing happened (no claim while paused, no call while a circuit
/// is open) by waiting for more passes, not by sleeping for a guessed time.
package final class PassCounter: Sendable {
    private let loopPasses = Atomic<Int>(0)
    private let housekeepingPasses = Atomic<Int>(0)

    package init() {}

    /// Completed loop steps (claim, start calls, record).
    package var loop: Int { loopPasses.load(ordering: .acquiring) }
    /// Completed housekeeping rounds (pause flags, lease rescue, max age, new-row checks).
    package var housekeeping: Int { housekeepingPasses.load(ordering: .acquiring) }

    func countLoop() { loopPasses.add(1, ordering: .releasing) }
    func countHousekeeping() { housekeepingPasses.add(1, ordering: .releasing) }
}

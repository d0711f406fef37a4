import Synchronization

/// Epoch milliseconds that move only when the test says so. Handed to the
/// dispatcher as its clock, it makes back-off, circuit cool-downs, lease
/// expiry and max age deterministic: nothing becomes due until the test
/// advances time.
package final class ManualClock: Sendable {
    private let milliseconds: Atomic<Int64>

    package init(startingAt start: Int64) { milliseconds = Atomic(start) }

    package var now: Int64 { milliseconds.load(ordering: .sequentiallyConsistent) }

    package func set(_ value: Int64) { milliseconds.store(value, ordering: .sequentiallyConsistent) }

    package func advance(milliseconds delta: Int64) { milliseconds.add(delta, ordering: .sequentiallyConsistent) }

    /// The clock as the dispatcher takes it.
    package var function: @Sendable () -> Int64 { { [self] in now } }
}

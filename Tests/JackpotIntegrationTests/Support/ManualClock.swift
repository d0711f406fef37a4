import Synchronization

/// Epoch milliseconds that move only when the test says so. Handed to the
/// dispatcher as its clock, it makes back-off and circuit cool-downs
/// deterministic: nothing becomes due until the test advances time.
final class ManualClock: Sendable {
    private let milliseconds: Atomic<Int64>

    init(startingAt start: Int64) { milliseconds = Atomic(start) }

    var now: Int64 { milliseconds.load(ordering: .sequentiallyConsistent) }

    func set(_ value: Int64) { milliseconds.store(value, ordering: .sequentiallyConsistent) }

    func advance(milliseconds delta: Int64) { milliseconds.add(delta, ordering: .sequentiallyConsistent) }

    /// The clock as the dispatcher takes it.
    var function: @Sendable () -> Int64 { { [self] in now } }
}

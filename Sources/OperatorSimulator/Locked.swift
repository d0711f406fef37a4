import Foundation

/// A value behind a lock that closures can share (a `Mutex` itself cannot be captured).
///
/// A plain pthread mutex (`NSLock`), not `Mutex`: the simulated operators take
/// it from a thread per connection, sixteen and more on two cores, and
/// `Mutex`'s priority-inheritance futex spins and syscalls whenever its holder
/// is preempted. That burnt a tenth of the bench's CPU in the operator it
/// measures against; a plain mutex sleeps instead.
package final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var protected: Value

    package init(_ value: Value) { protected = value }

    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&protected)
    }

    package var value: Value { withLock { $0 } }
}

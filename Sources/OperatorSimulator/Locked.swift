import Synchronization

/// A `Mutex` that closures can share (a `Mutex` itself cannot be captured).
package final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    package init(_ value: Value) { mutex = Mutex(value) }

    package func withLock<Result: Sendable>(_ body: (inout sending Value) -> sending Result) -> Result {
        mutex.withLock(body)
    }

    package var value: Value { mutex.withLock { $0 } }
}

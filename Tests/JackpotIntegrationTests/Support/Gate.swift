import Dispatch
import Synchronization

/// Holds threads back (a scripted operator's fault plan runs on its connection
/// threads) until the test opens it, so a test decides when answers may come.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let isOpen = Mutex(false)

    func wait() {
        if isOpen.withLock({ $0 }) { return }
        semaphore.wait()
        semaphore.signal()  // lets the next waiter through too
    }

    /// Idempotent, so a `defer { gate.open() }` is always safe.
    func open() {
        let wasOpen = isOpen.withLock { open -> Bool in
            defer { open = true }
            return open
        }
        if !wasOpen { semaphore.signal() }
    }
}

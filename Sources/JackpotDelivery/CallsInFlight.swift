import Synchronization

/// Counts the dispatcher's calls in flight, so that shutdown awaits the last
/// one (or the end of the grace period) instead of polling for it.
final class CallsInFlight: Sendable {
    private struct State {
        var count = 0
        var waiter: CheckedContinuation<Bool, Never>?
        var stoppedWaiting = false
    }
    private let state = Mutex(State())

    var count: Int { state.withLock { $0.count } }

    func started() {
        state.withLock { $0.count += 1 }
    }

    func ended() {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.count -= 1
            guard state.count == 0 else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: true)
    }

    /// True once no call is in flight; false when `stopWaiting()` came first,
    /// or the waiting task was cancelled.
    func waitUntilIdle() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let answer = state.withLock { state -> Bool? in
                    if state.count == 0 { return true }
                    if state.stoppedWaiting { return false }
                    state.waiter = continuation
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            // Before the waiter is stored, this makes it return false at once.
            self.stopWaiting()
        }
    }

    /// Ends a `waitUntilIdle()` that is waiting, or the next one, with false.
    func stopWaiting() {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.stoppedWaiting = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: false)
    }
}

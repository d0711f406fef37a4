import Synchronization

/// Wakes the dispatcher loop: a finished call, a tick, a signal. Signals that
/// arrive while the loop is busy collapse into one wake-up, which is what
/// batches many results into one transaction.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at the next signal, or at once when one came since the last
    /// return. Cancelling the waiting task is a signal too: the waiter looks
    /// for itself why it woke, so a cancelled loop never sleeps on.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            // Before the waiter is stored, this leaves the signal pending, so it returns at once.
            self.signal()
        }
    }
}

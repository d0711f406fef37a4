import CCurl
import Glibc
import Synchronization

/// The multi handle's address, carried across threads for exactly one call:
/// `curl_multi_wakeup`, which libcurl documents as safe from any thread. Every
/// other use of the handle stays on the multi loop's thread.
struct CurlMultiHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}

/// What callers hand the multi loop: new requests, cancellations, the stop
/// request. Each posting wakes the loop out of `curl_multi_poll`, at most once
/// per pass (a flag remembers a wake-up already on its way), except a posting
/// from the loop's own thread (a call running on `CurlLoopExecutor`): the loop
/// takes the mailbox before it next polls.
final class CurlMailbox: Sendable {
    private struct State {
        var jobs: [CurlJob] = []
        var cancels: [UInt64] = []
        var stopping = false
        /// Set by the loop on its way out: nothing is accepted any more, and
        /// the multi handle may be gone, so no wake-up may be sent.
        var closed = false
        var wakePending = false
    }

    private let state = Mutex(State())
    private let multi: CurlMultiHandle
    /// The loop's thread (`pthread_t`), once it runs; 0 before.
    private let loopThread = Atomic<UInt>(0)

    init(multi: CurlMultiHandle) {
        self.multi = multi
    }

    /// Called by the loop's thread before its first pass.
    func loopStarted() {
        loopThread.store(UInt(pthread_self()), ordering: .releasing)
    }

    /// Wakes the loop for call jobs queued on `CurlLoopExecutor`.
    func wakeForCalls() {
        state.withLock { state in
            guard !state.closed else { return }
            wake(&state)
        }
    }

    /// Queues `job` for the loop; false once the transport is shutting down.
    func submit(_ job: CurlJob) -> Bool {
        state.withLock { state in
            guard !state.stopping, !state.closed else { return false }
            state.jobs.append(job)
            wake(&state)
            return true
        }
    }

    /// Asks the loop to end request `id` now; ignored if it already ended.
    func cancel(_ id: UInt64) {
        state.withLock { state in
            guard !state.closed else { return }
            state.cancels.append(id)
            wake(&state)
        }
    }

    /// Asks the loop to fail what is in flight and end.
    func stop() {
        state.withLock { state in
            guard !state.closed else { return }
            state.stopping = true
            wake(&state)
        }
    }

    /// Everything posted since the last call (the loop's side).
    func take() -> (jobs: [CurlJob], cancels: [UInt64], stopping: Bool) {
        state.withLock { state in
            state.wakePending = false
            defer {
                state.jobs.removeAll(keepingCapacity: true)
                state.cancels.removeAll(keepingCapacity: true)
            }
            return (state.jobs, state.cancels, state.stopping)
        }
    }

    /// Refuses everything from now on and returns the requests never started (the loop's side, last).
    func close() -> [CurlJob] {
        state.withLock { state in
            state.closed = true
            defer { state.jobs.removeAll() }
            return state.jobs
        }
    }

    /// Called under the lock, so it never races the loop's `close()` and the
    /// multi handle's cleanup that follows it.
    private func wake(_ state: inout State) {
        guard !state.wakePending, pthread_self() != loopThread.load(ordering: .acquiring) else { return }
        state.wakePending = true
        curl_multi_wakeup(multi.raw)
    }
}

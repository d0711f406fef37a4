import Dispatch
import Synchronization

/// Runs the calls made over a `CurlTransport` on its multi loop's thread.
///
/// A call spends its life waiting for curl; its work between two answers
/// (classify the answer, build the next request) takes microseconds. On the
/// cooperative pool each answer cost two thread hand-offs: the loop resuming
/// the call on a pool thread, the call posting its next request back to the
/// loop. Here the loop resumes the call, runs it between two passes of
/// `curl_multi_perform`, and starts the request it posted in the same pass.
/// What a call runs never blocks (locks held for a few instructions, no I/O),
/// so neither does the loop.
///
/// Once the loop has ended, jobs run on a dispatch thread: a call resumed by
/// the shutdown still finishes.
final class CurlLoopExecutor: TaskExecutor {
    private struct State {
        var jobs: [UnownedJob] = []
        var loopEnded = false
    }

    private let state = Mutex(State())
    private let mailbox: CurlMailbox

    init(mailbox: CurlMailbox) {
        self.mailbox = mailbox
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let queued = state.withLock { state in
            guard !state.loopEnded else { return false }
            state.jobs.append(job)
            return true
        }
        if queued { mailbox.wakeForCalls() } else { runElsewhere(job) }
    }

    /// The loop's side: runs the jobs queued so far. Jobs they queue wait for
    /// the next pass, so a call that keeps yielding cannot starve the transfers.
    func runQueued() {
        var jobs: [UnownedJob] = []
        state.withLock { swap(&jobs, &$0.jobs) }
        for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
    }

    var hasQueued: Bool { state.withLock { !$0.jobs.isEmpty } }

    /// The loop's last act: what is queued, and every job from now on, runs on a dispatch thread.
    func loopEnded() {
        var jobs: [UnownedJob] = []
        state.withLock { state in
            state.loopEnded = true
            swap(&jobs, &state.jobs)
        }
        for job in jobs { runElsewhere(job) }
    }

    /// On a dispatch thread, once the loop is gone.
    private func runElsewhere(_ job: UnownedJob) {
        DispatchQueue.global().async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

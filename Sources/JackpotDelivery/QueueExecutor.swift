import Dispatch

/// A serial executor backed by a dispatch queue of its own, so an actor that
/// uses it runs on that queue's thread instead of the cooperative pool.
///
/// Linux's Dispatch has no `DispatchSerialQueue` executor, so this is the
/// small equivalent: each job is run synchronously on the queue, in order.
final class QueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    /// Whether the caller is on this executor's queue, for `assumeIsolated` and
    /// `preconditionIsolated` when the runtime cannot tell from the current job
    /// (code that reached the queue other than as a job of the actor): its
    /// thread is this executor, whoever put the code there (SE-0424).
    func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}

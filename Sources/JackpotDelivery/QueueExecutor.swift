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
}

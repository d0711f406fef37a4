import Dispatch
import Foundation
import JackpotStore
import JackpotTelemetry
import Synchronization

/// The listener's one writer: a thread of its own with its own outbox
/// connection, so no SQLite call — an fsync, a wait for another process's
/// lock — ever runs on a libmicrohttpd thread or the cooperative pool.
///
/// Group commit: each cycle takes every store request queued since the last
/// one and writes them in one `Outbox.enqueue` call — one transaction, one
/// fsync — then answers them all. A request therefore waits at most for the
/// commit in progress plus its own. Reads (status, readiness, metrics) run
/// after the cycle's commit.
package final class IngestWriter: @unchecked Sendable {
    /// What became of one win handed to `store`.
    package enum Outcome: Sendable, Hashable {
        case accepted
        case duplicate
        /// The reference is stored with other content; `fields` names what differs (empty when it was cancelled or purged).
        case conflict(reason: String, fields: [String])
    }

    private enum Job {
        case store([NewWin], @Sendable (Result<[Outcome], any Error>) -> Void)
        case read(@Sendable (Outbox) -> Void)
    }

    private struct State {
        var jobs: [Job] = []
        var queuedWins = 0
        var stopping = false
    }

    /// Wins queued but not yet committed beyond which new requests get 503: the writer is behind.
    package let maximumQueuedWins: Int
    private let state = Mutex(State())
    /// Signalled by the job that finds the queue empty: the ones queued after
    /// it, before the thread takes the queue, go with it and need no signal
    /// (one wake-up of the thread per cycle instead of an empty turn per request).
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let commitCount = Atomic<Int>(0)
    private let busyNanoseconds = Atomic<Int>(0)
    private let cycleHook = Mutex<(@Sendable () -> Void)?>(nil)
    /// Touched only by the writer thread once started.
    private let outbox: Outbox
    private let metrics: MetricsRegistry

    /// Opens the outbox (it must be writable) and starts the thread.
    package init(
        databasePath: String, busyTimeoutMilliseconds: Int, checkpoints: CheckpointOwner = .sqlite, metrics: MetricsRegistry,
        maximumQueuedWins: Int = 100_000
    ) throws {
        outbox = try Outbox(path: databasePath, busyTimeoutMilliseconds: busyTimeoutMilliseconds, checkpoints: checkpoints)
        try outbox.requireWritable()
        self.metrics = metrics
        self.maximumQueuedWins = maximumQueuedWins
        let thread = Thread { [self] in run() }
        thread.name = "jackpotd.ingest"
        thread.start()
    }

    /// Wins queued or in the commit under way.
    package var queuedWins: Int { state.withLock { $0.queuedWins } }

    /// Transactions committed so far (each one fsync): fewer than the requests when they were grouped.
    package var commits: Int { commitCount.load(ordering: .relaxed) }

    /// Queues `wins` for the next commit; `completion` runs on the writer thread
    /// once they are on disk (or the commit failed). False — nothing queued, no
    /// completion — when the writer is stopping or has too much queued already.
    package func store(_ wins: [NewWin], completion: @escaping @Sendable (Result<[Outcome], any Error>) -> Void) -> Bool {
        let (queued, first) = state.withLock { state in
            // An idle writer takes any one request, however large the limit says it is.
            guard !state.stopping, state.queuedWins == 0 || state.queuedWins + wins.count <= maximumQueuedWins else {
                return (false, false)
            }
            state.jobs.append(.store(wins, completion))
            state.queuedWins += wins.count
            return (true, state.jobs.count == 1)
        }
        if first { wake.signal() }
        return queued
    }

    /// Time the thread has spent on cycles (storing, committing, answering,
    /// reads), not waiting for work. Near the time elapsed, the writer is the
    /// bound: every request waits on its one thread.
    package var busy: Duration { .nanoseconds(busyNanoseconds.load(ordering: .relaxed)) }

    /// Runs `body` with the writer's outbox after the next commit; false when stopping.
    package func read(_ body: @escaping @Sendable (Outbox) -> Void) -> Bool {
        let (queued, first) = state.withLock { state in
            guard !state.stopping else { return (false, false) }
            state.jobs.append(.read(body))
            return (true, state.jobs.count == 1)
        }
        if first { wake.signal() }
        return queued
    }

    /// Runs `hook` on the writer's thread after each cycle that did work, and
    /// once a second while idle: for what is cheaper done once per commit
    /// than once per request (the listener's request metrics).
    package func afterEachCycle(_ hook: @escaping @Sendable () -> Void) {
        cycleHook.withLock { $0 = hook }
    }

    /// Refuses new jobs, finishes the queued ones, and returns when the thread has ended.
    package func stop() {
        state.withLock { $0.stopping = true }
        wake.signal()
        finished.wait()
    }

    private func run() {
        ThreadName.setCurrent("jackpotd.ingest")
        while true {
            let idle = wake.wait(timeout: .now() + .seconds(1)) == .timedOut
            let (jobs, stopping) = state.withLock { state in
                let jobs = state.jobs
                state.jobs.removeAll(keepingCapacity: true)
                return (jobs, state.stopping)
            }
            if !jobs.isEmpty {
                let began = ContinuousClock.now
                perform(jobs)
                let spent = ContinuousClock.now - began
                busyNanoseconds.add(Int(spent / .nanoseconds(1)), ordering: .relaxed)
                metrics.counter(IngestMetrics.writerBusy, labels: [:], add: spent / .seconds(1))
            }
            if idle || !jobs.isEmpty { cycleHook.withLock { $0 }?() }
            if stopping, state.withLock({ $0.jobs.isEmpty }) { break }
        }
        finished.signal()
    }

    private func perform(_ jobs: [Job]) {
        var wins: [NewWin] = []
        var completions: [(count: Int, completion: @Sendable (Result<[Outcome], any Error>) -> Void)] = []
        var reads: [@Sendable (Outbox) -> Void] = []
        for job in jobs {
            switch job {
            case .store(let batch, let completion):
                wins.append(contentsOf: batch)
                completions.append((batch.count, completion))
            case .read(let body):
                reads.append(body)
            }
        }
        if !wins.isEmpty {
            let result = Result { try commit(wins) }
            state.withLock { $0.queuedWins -= wins.count }
            var offset = 0
            for (count, completion) in completions {
                completion(result.map { Array($0[offset..<offset + count]) })
                offset += count
            }
        }
        for read in reads { read(outbox) }
    }

    private func commit(_ wins: [NewWin]) throws -> [Outcome] {
        let results = try outbox.enqueue(wins, operatorsChecked: true)
        let transactions = (wins.count + Outbox.enqueueChunkSize - 1) / Outbox.enqueueChunkSize
        commitCount.add(transactions, ordering: .relaxed)
        metrics.counter(IngestMetrics.commits, labels: [:], add: Double(transactions))
        var (accepted, duplicate, conflict) = (0, 0, 0)
        let outcomes = results.map { result -> Outcome in
            switch result {
            case .accepted:
                accepted += 1
                return .accepted
            case .duplicate:
                duplicate += 1
                return .duplicate
            case .rejected(let rejection):
                conflict += 1
                // Every win was validated before it got here, so this is a conflict; one with
                // a purged win names no fields (only a digest of that win is kept).
                var fields: [String] = []
                if case .conflict(_, let differing) = rejection { fields = differing }
                return .conflict(reason: rejection.description, fields: fields)
            }
        }
        // Counted once per commit for all the requests in it, not once per request.
        for (result, count) in [("accepted", accepted), ("duplicate", duplicate), ("conflict", conflict)] where count > 0 {
            metrics.counter(IngestMetrics.wins, labels: ["result": result], add: Double(count))
        }
        return outcomes
    }
}

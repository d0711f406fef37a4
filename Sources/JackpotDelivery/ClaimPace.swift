/// How many wins a lane holds claimed, from how fast its calls finish.
///
/// Three batches (a batch is the operator's `concurrency`) while it is slow or
/// idle. A fast operator drains two batches between two wake-ups of a loop
/// busy committing, and its calls would wait for the next claim: it holds a
/// batch in flight and `readyMilliseconds` of its recent pace ready. Leases
/// last 30 s and more, so that is never close to expiring one.
package struct ClaimPace: Sendable {
    package static let readyMilliseconds = 100
    /// The most wins held ready beside the calls, however fast the operator.
    package static let maximumReady = 1024
    package static let windowMilliseconds: Int64 = 250

    /// The pace over the last full window; 0 until one has passed.
    package private(set) var finishedPerSecond = 0
    private var finishedInWindow = 0
    private var windowStart: Int64

    package init(now: Int64 = 0) {
        windowStart = now
    }

    /// A call finished at `now` (epoch milliseconds).
    package mutating func countFinished(now: Int64) {
        finishedInWindow += 1
        let elapsed = now - windowStart
        guard elapsed >= Self.windowMilliseconds else { return }
        // A window much longer than measured (the lane sat idle) says little
        // about the current pace: it only starts a fresh one.
        finishedPerSecond = elapsed <= Self.windowMilliseconds * 4 ? Int(Int64(finishedInWindow) * 1000 / elapsed) : 0
        finishedInWindow = 0
        windowStart = now
    }

    /// Wins to hold claimed, calls in flight included.
    package func holdTarget(concurrency: Int) -> Int {
        let ready = min(finishedPerSecond * Self.readyMilliseconds / 1000, Self.maximumReady)
        return max(concurrency * 3, concurrency + ready)
    }

    /// The least worth a claim: a batch, or a quarter of the target when that is
    /// more, so a fast lane claims in few large statements rather than many small.
    package func claimThreshold(concurrency: Int) -> Int {
        max(concurrency, holdTarget(concurrency: concurrency) / 4)
    }
}

/// An operator's `rateLimit` as a token bucket: it holds at most `burst`
/// tokens, gains `ratePerSecond` a second, and each call takes one. So in any
/// window of W seconds at most `burst + ratePerSecond × W` calls start.
///
/// A pure value: the caller passes the time (epoch milliseconds, the
/// dispatcher's clock), so tests drive it with a manual clock. A clock that
/// steps back adds nothing until it passes the last reading again.
package struct TokenBucket: Sendable, Hashable {
    package let ratePerSecond: Double
    package let burst: Int
    private var tokens: Double
    /// The latest time it has counted up to: a token taken with an earlier
    /// `now` (a clock that stepped back) is counted at this time.
    package private(set) var updatedAt: Int64

    /// Starts full: the first `burst` calls go at once.
    package init(ratePerSecond: Double, burst: Int, now: Int64) {
        self.ratePerSecond = ratePerSecond
        self.burst = max(1, burst)
        tokens = Double(self.burst)
        updatedAt = now
    }

    /// Takes a token at `now` if there is one.
    package mutating func take(now: Int64) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Whole tokens there will be at `time` (≥ the last reading) if none is taken meanwhile.
    package func available(at time: Int64) -> Int {
        var copy = self
        copy.refill(now: time)
        return Int(copy.tokens)
    }

    /// Whole tokens to spend from `now` to `milliseconds` later if each is
    /// spent as it comes: what is there now plus what is earned meanwhile
    /// (the earnings are not capped by `burst`, as they never pile up).
    package func spendable(within milliseconds: Int64, from now: Int64) -> Int {
        var copy = self
        copy.refill(now: now)
        return Int(copy.tokens + Double(milliseconds) * ratePerSecond / 1000)
    }

    /// The first millisecond at which a token is there (`now` when one is).
    package func nextTokenAt(now: Int64) -> Int64 {
        var copy = self
        copy.refill(now: now)
        guard copy.tokens < 1 else { return now }
        let waitMs = ((1 - copy.tokens) * 1000 / ratePerSecond).rounded(.up)
        return copy.updatedAt + Int64(min(waitMs, 86_400_000))
    }

    private mutating func refill(now: Int64) {
        guard now > updatedAt else { return }
        tokens = min(Double(burst), tokens + Double(now - updatedAt) * ratePerSecond / 1000)
        updatedAt = now
    }
}

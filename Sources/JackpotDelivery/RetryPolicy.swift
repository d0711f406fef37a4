#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import JackpotConfiguration
import JackpotWire

/// When the next attempt of an undelivered win may go, and when to give up.
/// Pure: the caller supplies the clock and the random source, so the schedule
/// is tested exactly and the dispatcher stays the only place with real time.
package struct RetryPolicy: Sendable, Hashable {
    package let settings: RetrySettings

    package init(_ settings: RetrySettings) {
        self.settings = settings
    }

    /// Back-off before attempt n+1 after n failed attempts (n ≥ 1):
    /// min(initial × multiplier^(n-1), maxDelay), then jitter ±jitter uniformly,
    /// never negative. Jitter keeps thousands of wins that failed together in
    /// one outage from retrying in one burst when the operator comes back.
    ///
    /// Attempt counts only grow, so the exponent is computed in floating point
    /// and a growth that overflows to infinity simply means "capped".
    package func backoff(afterAttempts attempts: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let base = undisturbedBackoffSeconds(afterAttempts: attempts)
        let jitter = min(max(settings.jitter.isFinite ? settings.jitter : 0, 0), 1)
        guard jitter > 0, base > 0 else { return .seconds(clamping: base) }
        let factor = 1 + Double.random(in: -jitter...jitter, using: &random)
        return .seconds(clamping: max(0, base * factor))
    }

    /// The delay to use: an operator's `Retry-After` (capped at
    /// `maxRetryAfterSeconds`, so a misconfigured operator cannot stall its wins
    /// for days) when given, else the back-off.
    package func delay(
        afterAttempts attempts: Int, retryAfter: Duration?, using random: inout some RandomNumberGenerator
    ) -> Duration {
        if let retryAfter {
            return max(.zero, min(retryAfter, .seconds(clamping: settings.maxRetryAfterSeconds)))
        }
        return backoff(afterAttempts: attempts, using: &random)
    }

    /// True once a win enqueued at `enqueuedAt` is older than `maxAgeHours` at
    /// `now` (strictly: at exactly the max age it still gets its attempt).
    package func isExpired(enqueuedAt: UTCTime, now: UTCTime) -> Bool {
        guard !settings.maxAgeHours.isNaN else { return false }
        return now - enqueuedAt > .seconds(clamping: settings.maxAgeHours * 3600)
    }

    /// The schedule before jitter: what `status` can show as "next delay".
    package func undisturbedBackoff(afterAttempts attempts: Int) -> Duration {
        .seconds(clamping: undisturbedBackoffSeconds(afterAttempts: attempts))
    }

    private func undisturbedBackoffSeconds(afterAttempts attempts: Int) -> Double {
        let initial = settings.initialDelaySeconds
        let cap = max(0, settings.maxDelaySeconds)
        guard initial > 0 else { return 0 }
        let growth = pow(settings.multiplier, Double(max(attempts, 1) - 1))
        let delay = initial * growth
        guard delay.isFinite else { return cap }
        return max(0, min(delay, cap))
    }
}

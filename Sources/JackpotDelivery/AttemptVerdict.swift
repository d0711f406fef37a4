import JackpotWire

/// What becomes of a win after an attempt: delivered, parked as failed, or
/// tried again, and when. Pure: the caller supplies the clock readings and the
/// random source (the back-off's jitter), so every branch is tested exactly.
package enum AttemptVerdict: Sendable, Hashable {
    case delivered(Confirmation)
    /// The operator answered with one of its no-retry error codes: parked as failed.
    case refused
    /// Not delivered within `maxAgeHours`: parked as failed, whatever the answer asked for.
    case expired
    /// Sent again at this time.
    case retry(at: UTCTime)

    /// `attempt` is the attempt that ended (1 for the first), which started at
    /// `startedAt` and took `duration`; `ageOrigin` is where the win's max age
    /// counts from; `now` is the clock reading of the commit that records it.
    package init(
        after outcome: AttemptOutcome, attempt: Int, policy: RetryPolicy, ageOrigin: UTCTime, startedAt: UTCTime,
        duration: Duration, now: UTCTime, using random: inout some RandomNumberGenerator
    ) {
        switch outcome {
        case .delivered(let confirmation):
            self = .delivered(confirmation)
        case .giveUp:
            self = .refused
        case .retry(_, let retryAfterSeconds):
            if policy.isExpired(enqueuedAt: ageOrigin, now: now) {
                self = .expired
                return
            }
            let retryAfter = retryAfterSeconds.flatMap { $0.isNaN ? nil : Duration.seconds(clamping: $0) }
            let delay = policy.delay(afterAttempts: attempt, retryAfter: retryAfter, using: &random)
            // From when the answer came, not from the commit's clock reading, which
            // may predate a fast call: a `Retry-After: 2` must mean two seconds after it.
            let answeredAt = max(now, startedAt + Self.roundedUpToMilliseconds(duration))
            self = .retry(at: answeredAt + delay)
        }
    }

    private static func roundedUpToMilliseconds(_ span: Duration) -> Duration {
        let whole = Duration.milliseconds(span.wholeMilliseconds)
        return whole < span ? whole + .milliseconds(1) : whole
    }
}

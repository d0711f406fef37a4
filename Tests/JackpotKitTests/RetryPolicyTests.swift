import Testing
import TestSupport
import JackpotConfiguration
import JackpotDelivery

@Suite(.timeLimit(.minutes(2))) struct RetryPolicyTests {
    private func settings(jitter: Double) -> RetrySettings {
        var settings = RetrySettings()
        settings.jitter = jitter
        return settings
    }

    @Test func defaultsDoubleFromTwoSecondsAndCapAtTenMinutes() {
        let policy = RetryPolicy(settings(jitter: 0))
        var random = SplitMix64(seed: 1)
        let delays = (1...12).map { policy.backoffSeconds(afterAttempts: $0, using: &random) }
        #expect(delays == [2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600])
    }

    @Test func jitterStaysWithinTwentyPercentAndActuallyVaries() {
        let policy = RetryPolicy(RetrySettings())
        var random = SplitMix64(seed: 0xDEAD_BEEF)
        for attempts in 1...15 {
            let base = policy.undisturbedBackoffSeconds(afterAttempts: attempts)
            var seen = Set<Double>()
            for _ in 0..<200 {
                let delay = policy.backoffSeconds(afterAttempts: attempts, using: &random)
                #expect(delay >= base * 0.8 && delay <= base * 1.2)
                seen.insert(delay)
            }
            #expect(seen.count > 100)
        }
    }

    @Test func sameSeedGivesSameSchedule() {
        let policy = RetryPolicy(RetrySettings())
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        let a = (1...10).map { policy.backoffSeconds(afterAttempts: $0, using: &first) }
        let b = (1...10).map { policy.backoffSeconds(afterAttempts: $0, using: &second) }
        #expect(a == b)
    }

    @Test func retryAfterIsHonouredAndCapped() {
        var custom = RetrySettings()
        custom.maxRetryAfterSeconds = 120
        let policy = RetryPolicy(custom)
        var random = SplitMix64(seed: 7)
        #expect(policy.delaySeconds(afterAttempts: 1, retryAfter: 30, using: &random) == 30)
        #expect(policy.delaySeconds(afterAttempts: 1, retryAfter: 3600, using: &random) == 120)
        #expect(policy.delaySeconds(afterAttempts: 9, retryAfter: 0, using: &random) == 0)
        #expect(policy.delaySeconds(afterAttempts: 1, retryAfter: -5, using: &random) == 0)
        let fallback = policy.delaySeconds(afterAttempts: 3, retryAfter: nil, using: &random)
        #expect(fallback >= 8 * 0.8 && fallback <= 8 * 1.2)
    }

    @Test func hugeAttemptCountsDoNotOverflow() {
        let policy = RetryPolicy(settings(jitter: 0))
        var random = SplitMix64(seed: 3)
        for attempts in [1_100, 10_000, Int.max] {
            #expect(policy.backoffSeconds(afterAttempts: attempts, using: &random) == 600)
        }
        let jittered = RetryPolicy(RetrySettings())
        let delay = jittered.backoffSeconds(afterAttempts: 10_000, using: &random)
        #expect(delay >= 480 && delay <= 720)
    }

    @Test func attemptsBelowOneAreTreatedAsTheFirstFailure() {
        let policy = RetryPolicy(settings(jitter: 0))
        var random = SplitMix64(seed: 5)
        #expect(policy.backoffSeconds(afterAttempts: 0, using: &random) == 2)
        #expect(policy.backoffSeconds(afterAttempts: -3, using: &random) == 2)
    }

    @Test func expiresOnlyAfterMaxAge() {
        let policy = RetryPolicy(RetrySettings())  // 72 h
        let enqueued: Int64 = 1_795_261_320_123
        let maxAgeMs: Int64 = 72 * 3_600_000
        #expect(!policy.isExpired(enqueuedAtMs: enqueued, nowMs: enqueued))
        #expect(!policy.isExpired(enqueuedAtMs: enqueued, nowMs: enqueued + maxAgeMs))
        #expect(policy.isExpired(enqueuedAtMs: enqueued, nowMs: enqueued + maxAgeMs + 1))
        #expect(!policy.isExpired(enqueuedAtMs: enqueued, nowMs: enqueued - 1_000))  // clock stepped back
        #expect(policy.isExpired(enqueuedAtMs: .min, nowMs: .max))
    }
}

import Testing
import TestSupport
import JackpotConfiguration
import JackpotDelivery
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct RetryPolicyTests {
    private func settings(jitter: Double) -> RetrySettings {
        var settings = RetrySettings()
        settings.jitter = jitter
        return settings
    }

    @Test func defaultsDoubleFromTwoSecondsAndCapAtTenMinutes() {
        let policy = RetryPolicy(settings(jitter: 0))
        var random = SplitMix64(seed: 1)
        let delays = (1...12).map { policy.backoff(afterAttempts: $0, using: &random) }
        #expect(delays == [2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600].map { Duration.seconds($0) })
    }

    @Test func jitterStaysWithinTwentyPercentAndActuallyVaries() {
        let policy = RetryPolicy(RetrySettings())
        var random = SplitMix64(seed: 0xDEAD_BEEF)
        for attempts in 1...15 {
            let base = policy.undisturbedBackoff(afterAttempts: attempts)
            var seen = Set<Duration>()
            for _ in 0..<200 {
                let delay = policy.backoff(afterAttempts: attempts, using: &random)
                #expect(delay >= base * 4 / 5 && delay <= base * 6 / 5)
                seen.insert(delay)
            }
            #expect(seen.count > 100)
        }
    }

    @Test func sameSeedGivesSameSchedule() {
        let policy = RetryPolicy(RetrySettings())
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        let a = (1...10).map { policy.backoff(afterAttempts: $0, using: &first) }
        let b = (1...10).map { policy.backoff(afterAttempts: $0, using: &second) }
        #expect(a == b)
    }

    @Test func retryAfterIsHonouredAndCapped() {
        var custom = RetrySettings()
        custom.maxRetryAfterSeconds = 120
        let policy = RetryPolicy(custom)
        var random = SplitMix64(seed: 7)
        #expect(policy.delay(afterAttempts: 1, retryAfter: .seconds(30), using: &random) == .seconds(30))
        #expect(policy.delay(afterAttempts: 1, retryAfter: .seconds(3600), using: &random) == .seconds(120))
        #expect(policy.delay(afterAttempts: 9, retryAfter: .zero, using: &random) == .zero)
        #expect(policy.delay(afterAttempts: 1, retryAfter: .seconds(-5), using: &random) == .zero)
        let fallback = policy.delay(afterAttempts: 3, retryAfter: nil, using: &random)
        #expect(fallback >= .milliseconds(6_400) && fallback <= .milliseconds(9_600))
    }

    @Test func hugeAttemptCountsDoNotOverflow() {
        let policy = RetryPolicy(settings(jitter: 0))
        var random = SplitMix64(seed: 3)
        for attempts in [1_100, 10_000, Int.max] {
            #expect(policy.backoff(afterAttempts: attempts, using: &random) == .seconds(600))
        }
        let jittered = RetryPolicy(RetrySettings())
        let delay = jittered.backoff(afterAttempts: 10_000, using: &random)
        #expect(delay >= .seconds(480) && delay <= .seconds(720))
    }

    @Test func attemptsBelowOneAreTreatedAsTheFirstFailure() {
        let policy = RetryPolicy(settings(jitter: 0))
        var random = SplitMix64(seed: 5)
        #expect(policy.backoff(afterAttempts: 0, using: &random) == .seconds(2))
        #expect(policy.backoff(afterAttempts: -3, using: &random) == .seconds(2))
    }

    @Test func expiresOnlyAfterMaxAge() {
        let policy = RetryPolicy(RetrySettings())  // 72 h
        let enqueued = UTCTime(epochMilliseconds: 1_795_261_320_123)
        let maxAge = Duration.seconds(72 * 3600)
        #expect(!policy.isExpired(enqueuedAt: enqueued, now: enqueued))
        #expect(!policy.isExpired(enqueuedAt: enqueued, now: enqueued + maxAge))
        #expect(policy.isExpired(enqueuedAt: enqueued, now: enqueued + maxAge + .milliseconds(1)))
        #expect(!policy.isExpired(enqueuedAt: enqueued, now: enqueued - .seconds(1)))  // clock stepped back
        #expect(policy.isExpired(enqueuedAt: UTCTime(epochMilliseconds: .min), now: .distantFuture))
    }
}

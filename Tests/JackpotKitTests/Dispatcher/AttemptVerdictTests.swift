import Testing
import JackpotConfiguration
import JackpotDelivery
import JackpotWire
import TestSupport

/// What becomes of a win after each kind of attempt, with the back-off's
/// jitter drawn from a seeded generator so every expected time is exact.
@Suite(.timeLimit(.minutes(1))) struct AttemptVerdictTests {
    private let enqueued = UTCTime(epochMilliseconds: 1_795_261_320_000)
    private var startedAt: UTCTime { enqueued + .seconds(60) }

    private static func policy(jitter: Double = 0, maxAgeHours: Double = 72) -> RetryPolicy {
        var settings = RetrySettings()
        settings.jitter = jitter
        settings.maxAgeHours = maxAgeHours
        return RetryPolicy(settings)
    }

    private static let serverError = AttemptOutcome.retry(.httpStatus(500), retryAfterSeconds: nil)

    private func verdict(
        _ outcome: AttemptOutcome = AttemptVerdictTests.serverError, attempt: Int = 1,
        policy: RetryPolicy = AttemptVerdictTests.policy(),
        duration: Duration = .milliseconds(250), now: UTCTime? = nil, seed: UInt64 = 1
    ) -> AttemptVerdict {
        var random = SplitMix64(seed: seed)
        return AttemptVerdict(
            after: outcome, attempt: attempt, policy: policy, ageOrigin: enqueued, startedAt: startedAt, duration: duration,
            now: now ?? startedAt, using: &random)
    }

    @Test func aConfirmationIsDelivered() {
        let confirmation = Confirmation(transactionId: "tx-1", currency: "EUR")
        #expect(verdict(.delivered(confirmation)) == .delivered(confirmation))
    }

    @Test func aNoRetryErrorCodeIsRefusedWhateverTheWinsAge() {
        let refusal = AttemptOutcome.giveUp(errorCode: 120, description: "bad token")
        #expect(verdict(refusal) == .refused)
        #expect(verdict(refusal, policy: Self.policy(maxAgeHours: 0)) == .refused)
    }

    @Test func aRetryIsScheduledFromWhenTheAnswerCameWithTheBackOffOfItsAttempt() {
        // Third attempt: 2 s × 2² = 8 s, after a call of 1 234.2 ms counted as 1 235 ms.
        #expect(
            verdict(attempt: 3, duration: .microseconds(1_234_200))
                == .retry(at: startedAt + .milliseconds(1_235) + .seconds(8)))
    }

    @Test func aCommitLaterThanTheAnswerSchedulesFromTheCommit() {
        let now = startedAt + .seconds(3)
        #expect(verdict(attempt: 1, duration: .milliseconds(10), now: now) == .retry(at: now + .seconds(2)))
    }

    @Test func retryAfterIsHonouredFromTheAnswerAndCapped() {
        let asked = AttemptOutcome.retry(.httpStatus(429), retryAfterSeconds: 2)
        #expect(verdict(asked, attempt: 9, duration: .milliseconds(100)) == .retry(at: startedAt + .milliseconds(2_100)))
        let greedy = AttemptOutcome.retry(.httpStatus(503), retryAfterSeconds: 86_400)
        #expect(verdict(greedy, duration: .milliseconds(100)) == .retry(at: startedAt + .milliseconds(100) + .seconds(600)))
    }

    @Test func jitterFromOneSeedGivesOneTimeWithinTwentyPercent() {
        let policy = Self.policy(jitter: 0.2)
        let answered = startedAt + .milliseconds(250)
        var seen = Set<AttemptVerdict>()
        for seed: UInt64 in 1...50 {
            let first = verdict(attempt: 4, policy: policy, seed: seed)
            #expect(first == verdict(attempt: 4, policy: policy, seed: seed))
            guard case .retry(let at) = first else {
                Issue.record("\(first) is not a retry")
                return
            }
            // 16 s ± 20 %.
            #expect(at >= answered + .milliseconds(12_800) && at <= answered + .milliseconds(19_200))
            seen.insert(first)
        }
        #expect(seen.count > 40)
    }

    @Test func aWinOlderThanItsMaxAgeExpiresInsteadOfRetrying() {
        let policy = Self.policy(maxAgeHours: 1)
        let asked = AttemptOutcome.retry(.httpStatus(429), retryAfterSeconds: 1)
        #expect(verdict(asked, policy: policy, now: enqueued + .seconds(3_600) + .milliseconds(1)) == .expired)
        #expect(
            verdict(.retry(.transport(.timeout), retryAfterSeconds: nil), policy: policy, now: enqueued + .seconds(7_200))
                == .expired)
        // At exactly its max age it still gets the attempt.
        guard case .retry = verdict(policy: policy, now: enqueued + .seconds(3_600)) else {
            Issue.record("a win at exactly its max age was not retried")
            return
        }
    }
}

import Testing
import JackpotDelivery

/// The rate limit's arithmetic, driven by a manual clock (epoch milliseconds passed in).
@Suite(.timeLimit(.minutes(1))) struct TokenBucketTests {
    @Test func startsFullThenRefillsAtTheRate() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 3, now: 1_000)
        let firstThree = (0..<3).map { _ in bucket.take(now: 1_000) }
        #expect(firstThree == [true, true, true])
        let took1 = bucket.take(now: 1_000)
        #expect(!took1)
        #expect(bucket.nextTokenAt(now: 1_000) == 1_100)
        let took2 = bucket.take(now: 1_099)
        #expect(!took2)
        let took3 = bucket.take(now: 1_100)
        #expect(took3)
        // A long quiet spell refills up to the burst, never beyond.
        #expect(bucket.available(at: 60_000) == 3)
    }

    /// In every window of W ms, at most burst + rate × W takes succeed, however
    /// the takes are spread: the bound the integration test checks at the wallet.
    @Test(arguments: [(rate: 200.0, burst: 10), (rate: 3.0, burst: 1), (rate: 0.5, burst: 4), (rate: 50.0, burst: 1)])
    func neverAboveRateTimesWindowPlusBurst(limit: (rate: Double, burst: Int)) {
        var bucket = TokenBucket(ratePerSecond: limit.rate, burst: limit.burst, now: 0)
        var taken: [Int64] = []
        var generator = SplitMix(seed: 42)
        var now: Int64 = 0
        while now < 20_000 {
            if bucket.take(now: now) { taken.append(now) }
            now += Int64(generator.next() % 7)  // often several tries in the same millisecond
        }
        #expect(!taken.isEmpty)
        for window: Int64 in [1, 10, 250, 1_000, 5_000] {
            var start = 0
            for end in taken.indices {
                while taken[end] - taken[start] >= window { start += 1 }
                let count = end - start + 1
                #expect(
                    Double(count) <= Double(limit.burst) + limit.rate * Double(window) / 1000,
                    "\(count) takes within \(window) ms at \(limit.rate)/s burst \(limit.burst)")
            }
        }
    }

    /// Asked every millisecond, it lets exactly the burst plus the tokens earned through.
    @Test(arguments: [(rate: 200.0, burst: 10), (rate: 3.0, burst: 1), (rate: 0.5, burst: 4)])
    func letsTheRateThrough(limit: (rate: Double, burst: Int)) {
        var bucket = TokenBucket(ratePerSecond: limit.rate, burst: limit.burst, now: 0)
        var count = 0
        for now: Int64 in 0..<20_000 where bucket.take(now: now) { count += 1 }
        // Tokens earned by the last millisecond asked, 19 999.
        #expect(count == limit.burst + Int(limit.rate * 19.999))
    }

    /// What a claim may take ahead: the tokens there plus those earned meanwhile, beyond the burst.
    @Test func spendableCountsTokensEarnedMeanwhile() {
        let bucket = TokenBucket(ratePerSecond: 10_000, burst: 1, now: 0)
        #expect(bucket.available(at: 100) == 1)
        #expect(bucket.spendable(within: 100, from: 0) == 1_001)
        let slow = TokenBucket(ratePerSecond: 5, burst: 2, now: 0)
        #expect(slow.spendable(within: 100, from: 0) == 2)
    }

    @Test func nextTokenAtIsWhenATokenIsThere() {
        var bucket = TokenBucket(ratePerSecond: 3, burst: 1, now: 0)
        let took4 = bucket.take(now: 0)
        #expect(took4)
        let next = bucket.nextTokenAt(now: 0)
        #expect(next == 334)
        let took5 = bucket.take(now: next - 1)
        #expect(!took5)
        let took6 = bucket.take(now: next)
        #expect(took6)
    }

    @Test func aClockSteppingBackAddsNothing() {
        var bucket = TokenBucket(ratePerSecond: 1, burst: 1, now: 10_000)
        let took7 = bucket.take(now: 10_000)
        #expect(took7)
        let took8 = bucket.take(now: 5_000)
        #expect(!took8)
        let took9 = bucket.take(now: 10_999)
        #expect(!took9)
        let took10 = bucket.take(now: 11_000)
        #expect(took10)
    }
}

/// A small deterministic generator, so a failure replays.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

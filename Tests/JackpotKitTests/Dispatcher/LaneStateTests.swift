import Testing
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotWire

/// A claimed win as the lane sees it: an id to follow, and its lease.
private struct TestWin: LeasedWin, Equatable {
    let id: Int
    let leaseExpiresAt: UTCTime
}

private typealias Lane = LaneState<TestWin>

/// One rule of an operator's lane per test, driven with plain values: no
/// daemon, no database, no clock but the times passed in.
@Suite(.timeLimit(.minutes(1))) struct LaneStateTests {
    private let start = UTCTime(epochMilliseconds: 1_795_261_320_000)

    private static func config(
        concurrency: Int = 4, timeoutSeconds: Double = 10, failureThreshold: Int = 5, rateLimit: RateLimit? = nil
    ) -> OperatorConfig {
        var config = OperatorConfig(name: "casino-a", url: "https://wallet.example/win", secret: "s3cret")
        config.concurrency = concurrency
        config.timeoutSeconds = timeoutSeconds
        config.circuit.failureThreshold = failureThreshold
        config.circuit.openSeconds = 5
        config.rateLimit = rateLimit
        return config
    }

    private func makeLane(_ config: OperatorConfig = LaneStateTests.config()) -> Lane {
        Lane(config: config, breaker: CircuitBreaker(settings: config.circuit), now: start)
    }

    /// Wins leased for the dispatcher's usual 3 × timeout + 30 s.
    private func wins(_ ids: ClosedRange<Int>, at time: UTCTime? = nil) -> [TestWin] {
        ids.map { TestWin(id: $0, leaseExpiresAt: (time ?? start) + .seconds(60)) }
    }

    private static func sent(_ take: Lane.Take) -> TestWin? {
        if case .send(let win) = take { return win }
        return nil
    }

    private static func probed(_ take: Lane.Take) -> TestWin? {
        if case .probe(let win) = take { return win }
        return nil
    }

    private static func isNothing(_ take: Lane.Take) -> Bool {
        if case .nothing = take { return true }
        return false
    }

    private static let timeout = AttemptOutcome.retry(.transport(.timeout), retryAfterSeconds: nil)
    private static let answered = AttemptOutcome.retry(.httpStatus(500), retryAfterSeconds: nil)

    // MARK: Claims

    @Test func anIdleLaneClaimsThreeBatchesAtOnce() {
        let lane = makeLane(Self.config(concurrency: 4))
        #expect(lane.claimLimit(now: start) == 12)
    }

    @Test func aBusyLaneWaitsUntilABatchHasRoomBeforeClaimingAgain() {
        var lane = makeLane(Self.config(concurrency: 4))
        lane.claimed(wins(1...12), requested: 12, nextDue: nil, now: start)
        #expect(lane.claimLimit(now: start) == 0)
        for _ in 1...4 { _ = lane.takeNext(now: start, takeGlobalSlot: { true }) }
        for _ in 1...3 { lane.finished(Self.answered, now: start) }
        // One in flight and eight ready: room for three, less than a batch of four.
        #expect(lane.claimLimit(now: start) == 0)
        lane.finished(Self.answered, now: start)
        #expect(lane.claimLimit(now: start) == 4)
    }

    @Test func aShortClaimLooksAgainOnlyWhenTheNextWinFallsDue() {
        var lane = makeLane()
        let due = start + .seconds(8)
        lane.claimed(wins(1...2), requested: 12, nextDue: due, now: start)
        #expect(lane.claimLimit(now: due - .milliseconds(1)) == 0)
        #expect(lane.nextClaimAt(now: start) == due)
        #expect(lane.claimLimit(now: due) > 0)
    }

    @Test func aShortClaimWithNothingElseDueWaitsForAWakeUpNotATick() {
        var lane = makeLane()
        lane.claimed([], requested: 12, nextDue: nil, now: start)
        #expect(lane.nextClaimAt(now: start) == nil)
        #expect(lane.claimLimit(now: start + .seconds(3600)) == 0)
        lane.checkSoon(at: start + .seconds(1))
        #expect(lane.nextClaimAt(now: start) == start + .seconds(1))
        #expect(lane.claimLimit(now: start + .seconds(1)) == 12)
    }

    @Test func aFullClaimLooksAgainAtOnce() {
        var lane = makeLane(Self.config(concurrency: 1))
        lane.claimed(wins(1...3), requested: 3, nextDue: nil, now: start)
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        lane.finished(Self.answered, now: start)
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        lane.finished(Self.answered, now: start)
        // One ready, none in flight: room for two, at least a batch of one.
        #expect(lane.claimLimit(now: start) == 2)
    }

    // MARK: Sending

    @Test func callsStartUpToTheOperatorsConcurrency() {
        var lane = makeLane(Self.config(concurrency: 2))
        lane.claimed(wins(1...5), requested: 6, nextDue: nil, now: start)
        #expect(Self.sent(lane.takeNext(now: start, takeGlobalSlot: { true }))?.id == 1)
        #expect(Self.sent(lane.takeNext(now: start, takeGlobalSlot: { true }))?.id == 2)
        #expect(Self.isNothing(lane.takeNext(now: start, takeGlobalSlot: { true })))
        lane.finished(Self.answered, now: start)
        #expect(Self.sent(lane.takeNext(now: start, takeGlobalSlot: { true }))?.id == 3)
    }

    @Test func noGlobalSlotLeavesTheWinReady() {
        var lane = makeLane()
        lane.claimed(wins(1...1), requested: 12, nextDue: nil, now: start)
        #expect(Self.isNothing(lane.takeNext(now: start, takeGlobalSlot: { false })))
        #expect(lane.ready == wins(1...1))
        #expect(Self.sent(lane.takeNext(now: start, takeGlobalSlot: { true }))?.id == 1)
    }

    @Test func aWinWhoseLeaseWouldNotOutlastItsCallIsGivenBackUnsent() {
        var lane = makeLane(Self.config(timeoutSeconds: 10))
        let short = TestWin(id: 1, leaseExpiresAt: start + .seconds(15) - .milliseconds(1))
        let enough = TestWin(id: 2, leaseExpiresAt: start + .seconds(15))
        lane.claimed([short, enough], requested: 12, nextDue: nil, now: start)
        var slotsTaken = 0
        let take = lane.takeNext(
            now: start,
            takeGlobalSlot: {
                slotsTaken += 1
                return true
            })
        #expect(Self.sent(take) == enough)
        #expect(slotsTaken == 1)
        #expect(lane.takeReleases() == [short])
    }

    @Test func givenBackWinsAreLookedForAgainAtOnce() {
        var lane = makeLane(Self.config(timeoutSeconds: 10))
        lane.claimed([TestWin(id: 1, leaseExpiresAt: start + .seconds(1))], requested: 12, nextDue: nil, now: start)
        #expect(Self.isNothing(lane.takeNext(now: start, takeGlobalSlot: { true })))
        #expect(lane.nextClaimAt(now: start) == nil)
        #expect(lane.takeReleases().map(\.id) == [1])
        #expect(lane.claimLimit(now: start) == 12)
        #expect(lane.takeReleases().isEmpty)
    }

    // MARK: Circuit

    @Test func transportFailuresOpenTheCircuitAndSendTheReadyWinsBack() {
        var lane = makeLane(Self.config(concurrency: 1, failureThreshold: 1))
        lane.claimed(wins(1...3), requested: 3, nextDue: nil, now: start)
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        lane.finished(Self.timeout, now: start)
        #expect(lane.breaker.state == .open)
        #expect(lane.takeReleases().map(\.id) == [2, 3])
        #expect(lane.claimLimit(now: start) == 0)
        #expect(lane.nextClaimAt(now: start) == start + .seconds(5))
    }

    @Test func anAnswerThatIsNotATransportFailureKeepsTheCircuitClosed() {
        var lane = makeLane(Self.config(concurrency: 1, failureThreshold: 1))
        lane.claimed(wins(1...2), requested: 3, nextDue: nil, now: start)
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        lane.finished(Self.answered, now: start)
        #expect(lane.breaker.state == .closed)
        #expect(lane.takeReleases().isEmpty)
        #expect(lane.ready.map(\.id) == [2])
    }

    @Test func anOpenCircuitClaimsOneWinForItsProbeOnceTheCooldownIsOver() {
        var lane = openLane()
        #expect(lane.claimLimit(now: start + .seconds(5) - .milliseconds(1)) == 0)
        #expect(lane.claimLimit(now: start + .seconds(5)) == 1)
        lane.claimed(wins(10...10), requested: 1, nextDue: nil, now: start + .seconds(5))
        #expect(Self.probed(lane.takeNext(now: start + .seconds(5), takeGlobalSlot: { true }))?.id == 10)
        #expect(lane.breaker.state == .halfOpen)
    }

    @Test func onlyOneProbeIsInFlightAndASecondWinGivesItsGlobalSlotBack() {
        var lane = openLane(concurrency: 4)
        let probeTime = start + .seconds(5)
        lane.claimed(wins(10...11, at: probeTime), requested: 1, nextDue: nil, now: probeTime)
        #expect(Self.probed(lane.takeNext(now: probeTime, takeGlobalSlot: { true }))?.id == 10)
        guard case .returnGlobalSlot = lane.takeNext(now: probeTime, takeGlobalSlot: { true }) else {
            Issue.record("a second call started while the probe is in flight")
            return
        }
        #expect(lane.ready.map(\.id) == [11])
        #expect(lane.claimLimit(now: probeTime + .seconds(60)) == 0)
        #expect(lane.nextClaimAt(now: probeTime) == nil)
    }

    @Test func aSuccessfulProbeClosesTheCircuitAndTheLaneClaimsBatchesAgain() {
        var lane = openLane()
        let probeTime = start + .seconds(5)
        lane.claimed(wins(10...10, at: probeTime), requested: 1, nextDue: nil, now: probeTime)
        _ = lane.takeNext(now: probeTime, takeGlobalSlot: { true })
        lane.finished(Self.answered, now: probeTime)
        #expect(lane.breaker.state == .closed)
        // Concurrency 1: three batches of one.
        #expect(lane.claimLimit(now: probeTime) == 3)
    }

    @Test func aProbeThatWasNeverSentLetsTheNextWinProbe() {
        var lane = openLane()
        let probeTime = start + .seconds(5)
        lane.claimed(wins(10...10, at: probeTime), requested: 1, nextDue: nil, now: probeTime)
        _ = lane.takeNext(now: probeTime, takeGlobalSlot: { true })
        lane.notSent()
        #expect(lane.breaker.state == .halfOpen)
        #expect(lane.claimLimit(now: probeTime) == 1)
        lane.claimed(wins(11...11, at: probeTime), requested: 1, nextDue: nil, now: probeTime)
        #expect(Self.probed(lane.takeNext(now: probeTime, takeGlobalSlot: { true }))?.id == 11)
    }

    @Test func aClaimThatRacedTheCircuitOpeningGivesItsWinsBack() {
        var lane = makeLane(Self.config(concurrency: 2, failureThreshold: 1))
        lane.claimed(wins(1...1), requested: 6, nextDue: nil, now: start)
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        // The claim was committed while the call failed and opened the circuit.
        lane.finished(Self.timeout, now: start)
        lane.claimed(wins(2...4), requested: 4, nextDue: nil, now: start)
        #expect(lane.ready.isEmpty)
        #expect(lane.takeReleases().map(\.id) == [2, 3, 4])
        // Looking did not start a probe.
        #expect(lane.breaker.state == .open)
    }

    @Test func circuitChangesAreStoredOnce() {
        var lane = makeLane(Self.config(concurrency: 1, failureThreshold: 1))
        #expect(lane.takeDirtyCircuit() == nil)
        lane.claimed(wins(1...1), requested: 3, nextDue: nil, now: start)
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        #expect(lane.takeDirtyCircuit() == nil)
        lane.finished(Self.timeout, now: start)
        #expect(lane.takeDirtyCircuit()?.state == .open)
        #expect(lane.takeDirtyCircuit() == nil)
    }

    // MARK: Paused, removed, stopping

    @Test func aPausedLaneClaimsNothingSendsNothingAndGivesBackWhatItHeld() {
        var lane = makeLane()
        lane.claimed(wins(1...3), requested: 12, nextDue: nil, now: start)
        lane.paused = true
        #expect(lane.claimLimit(now: start) == 0)
        #expect(lane.nextClaimAt(now: start) == nil)
        #expect(Self.isNothing(lane.takeNext(now: start, takeGlobalSlot: { true })))
        #expect(lane.takeReleases().map(\.id) == [1, 2, 3])
        lane.paused = false
        #expect(lane.claimLimit(now: start) == 12)
    }

    @Test func aRemovedLaneFinishesItsCallsButClaimsNothingUntilConfiguredAgain() {
        var lane = makeLane(Self.config(concurrency: 1))
        lane.claimed(wins(1...2), requested: 3, nextDue: nil, now: start)
        #expect(Self.sent(lane.takeNext(now: start, takeGlobalSlot: { true }))?.id == 1)
        lane.removed = true
        #expect(lane.takeReleases().map(\.id) == [2])
        lane.finished(Self.answered, now: start)
        #expect(lane.claimLimit(now: start) == 0)
        lane.reconfigure(Self.config(concurrency: 2), now: start + .seconds(1))
        #expect(!lane.removed)
        #expect(lane.claimLimit(now: start + .seconds(1)) == 6)
    }

    @Test func aStoppingLaneGivesEverythingBackAndStartsNothing() {
        var lane = makeLane()
        lane.claimed(wins(1...2), requested: 12, nextDue: nil, now: start)
        lane.stopping = true
        #expect(Self.isNothing(lane.takeNext(now: start, takeGlobalSlot: { true })))
        #expect(lane.takeReleases().map(\.id) == [1, 2])
        #expect(lane.claimLimit(now: start) == 0)
    }

    // MARK: Controls

    @Test func aRateLimitedLaneClaimsOnlyWhatItsTokensLetGoAndWaitsForTheNext() {
        var lane = makeLane(Self.config(rateLimit: RateLimit(requestsPerSecond: 10, burst: 2)))
        _ = lane.takeDirtyControls()
        // Two tokens now and one more within the next 100 ms.
        #expect(lane.claimLimit(now: start) == 3)
        lane.claimed(wins(1...3), requested: 3, nextDue: nil, now: start)
        #expect(Self.sent(lane.takeNext(now: start, takeGlobalSlot: { true }))?.id == 1)
        #expect(Self.sent(lane.takeNext(now: start, takeGlobalSlot: { true }))?.id == 2)
        #expect(Self.isNothing(lane.takeNext(now: start, takeGlobalSlot: { true })))
        #expect(lane.rateLimitedSince == start)
        #expect(lane.takeDirtyControls()?.rateLimitedSince == start)
        #expect(Self.isNothing(lane.takeNext(now: start + .milliseconds(99), takeGlobalSlot: { true })))
        #expect(Self.sent(lane.takeNext(now: start + .milliseconds(100), takeGlobalSlot: { true }))?.id == 3)
    }

    @Test func aCallLetGoWithAStaleClockIsPermittedAtTheTimeItsTokenWasCountedAt() {
        var lane = makeLane(Self.config(rateLimit: RateLimit(requestsPerSecond: 10, burst: 2)))
        lane.claimed(wins(1...2), requested: 2, nextDue: nil, now: start)
        #expect(Self.sent(lane.takeNext(now: start + .milliseconds(100), takeGlobalSlot: { true }))?.id == 1)
        #expect(lane.lastPermittedAt == start + .milliseconds(100))
        // A pass that read the clock before that call took the second token:
        // the bucket counted it at +100 ms, and so does the permit.
        #expect(Self.sent(lane.takeNext(now: start + .milliseconds(40), takeGlobalSlot: { true }))?.id == 2)
        #expect(lane.lastPermittedAt == start + .milliseconds(100))
    }

    @Test func theRateLimitedMarkClearsOnceTheBacklogIsGone() {
        var lane = makeLane(Self.config(rateLimit: RateLimit(requestsPerSecond: 10, burst: 1)))
        lane.claimed(wins(1...2), requested: 2, nextDue: nil, now: start)
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        #expect(lane.rateLimitedSince == start)
        // The next claim finds less than it asked for: the backlog is claimed.
        lane.claimed([], requested: 1, nextDue: nil, now: start + .milliseconds(50))
        _ = lane.takeNext(now: start + .milliseconds(100), takeGlobalSlot: { true })
        #expect(lane.rateLimitedSince == nil)
    }

    @Test func theSecretTheWalletAcceptedIsStoredOnceAndForgottenWhenTheRotationChanges() {
        var config = Self.config()
        config.previousSecret = PreviousSecret(secret: "old", untilMs: start.epochMilliseconds + 86_400_000)
        var lane = makeLane(config)
        #expect(lane.takeDirtyControls() != nil)
        lane.accepted(.previous, now: start)
        #expect(lane.takeDirtyControls()?.secretInUse == .previous)
        lane.accepted(.previous, now: start + .seconds(1))
        #expect(lane.takeDirtyControls() == nil)
        #expect(lane.secretInUseSince == start)
        config.previousSecret = nil
        lane.reconfigure(config, now: start + .seconds(2))
        #expect(lane.secretInUse == nil)
        #expect(lane.takeDirtyControls() != nil)
    }

    // MARK: What a pass needs to look at

    @Test func aLaneWantsASlotWhileItHoldsReadyWinsAndHasRoomUnderItsConcurrency() {
        var lane = makeLane(Self.config(concurrency: 1))
        #expect(!lane.wantsSlot)
        lane.claimed(wins(1...2), requested: 3, nextDue: nil, now: start)
        #expect(lane.wantsSlot)
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        // Full: only the call ending gives it room again.
        #expect(!lane.wantsSlot)
        lane.finished(Self.answered, now: start)
        #expect(lane.wantsSlot)
        lane.paused = true
        #expect(!lane.wantsSlot)
    }

    @Test func aLaneIsQuietOnceItHoldsEveryDueWin() {
        var lane = makeLane()
        // Nothing claimed yet: it may have a backlog.
        #expect(!lane.isQuiet)
        lane.claimed(wins(1...12), requested: 12, nextDue: nil, now: start)
        #expect(!lane.isQuiet)
        lane.claimed(wins(13...14), requested: 12, nextDue: nil, now: start)
        #expect(lane.isQuiet)
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        #expect(lane.isQuiet)
        // A full claim: more may be waiting behind it.
        lane.claimed(wins(15...16), requested: 2, nextDue: nil, now: start)
        #expect(!lane.isQuiet)
    }

    @Test func aLaneStartsQuietWhenFewerWinsAreDueThanItsFirstClaimAsksFor() {
        var lane = makeLane()
        #expect(lane.firstClaimSize(now: start) == 12)
        lane.seedQuiet(dueWins: 11, now: start)
        #expect(lane.isQuiet)
        lane.seedQuiet(dueWins: 12, now: start)
        #expect(!lane.isQuiet)
        // It cannot claim yet: quiet only with nothing due.
        lane.paused = true
        #expect(lane.firstClaimSize(now: start) == 1)
        lane.seedQuiet(dueWins: 0, now: start)
        #expect(lane.isQuiet)
        lane.seedQuiet(dueWins: 1, now: start)
        #expect(!lane.isQuiet)
    }

    @Test func aLaneSeededQuietIsBackloggedOnceAClaimComesBackFull() {
        var lane = makeLane()
        lane.seedQuiet(dueWins: 2, now: start)
        lane.claimed(wins(1...12), requested: 12, nextDue: nil, now: start)
        #expect(!lane.isQuiet)
    }

    @Test func onlyASoonerCheckIsNews() {
        var lane = makeLane()
        lane.claimed([], requested: 12, nextDue: start + .seconds(10), now: start)
        let sooner = lane.checkSoon(at: start + .seconds(5))
        let same = lane.checkSoon(at: start + .seconds(5))
        let later = lane.checkSoon(at: start + .seconds(8))
        #expect(sooner && !same && !later)
        #expect(lane.nextCheckAt == start + .seconds(5))
    }

    // MARK: Helpers

    /// A lane whose circuit opened at `start` (threshold 1, 5 s cool-down), holding nothing.
    private func openLane(concurrency: Int = 1) -> Lane {
        var lane = makeLane(Self.config(concurrency: concurrency, failureThreshold: 1))
        lane.claimed(wins(1...1), requested: 1, nextDue: nil, now: start)
        _ = lane.takeNext(now: start, takeGlobalSlot: { true })
        lane.finished(Self.timeout, now: start)
        return lane
    }
}

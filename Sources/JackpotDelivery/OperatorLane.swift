import Synchronization
import JackpotConfiguration
import JackpotStore
import JackpotWire

/// A claimed win waiting for a free slot. Its request is built by the call
/// that sends it (`Dispatcher.call`), in parallel with other calls, not by the
/// claim on the loop's one thread, which every claim and record waits for.
///
/// A class: it travels from the claim through the lane, the call and its
/// report to the record, and a copy of the struct (a stored row, some thirty
/// strings) retained every one of them.
final class ReadyWin: LeasedWin {
    let stored: StoredWin
    let leaseExpiresAt: UTCTime

    init(stored: StoredWin, leaseExpiresAt: UTCTime) {
        self.stored = stored
        self.leaseExpiresAt = leaseExpiresAt
    }
}

/// One operator's in-memory delivery state, shared by the dispatcher loop and
/// the calls in flight, hence the Mutex. The rules are `LaneState`'s; this
/// shell holds it, passes the dispatcher's clock in and does what it answers
/// (taking and returning global slots). What changes it from outside the
/// loop's pass is posted to `news`, so the next pass looks at this lane.
final class OperatorLane: Sendable {
    typealias State = LaneState<ReadyWin>

    let name: String
    private let state: Mutex<State>
    private let news: LaneNews
    /// Listed in `news` and not yet taken.
    private let hasNews = Atomic<Bool>(false)
    /// Its place in the lanes in name order (`Dispatcher.lanesInOrder`), set by each configure.
    private let position = Atomic<Int>(0)

    init(config: OperatorConfig, breaker: CircuitBreaker, paused: Bool, now: Int64, news: LaneNews) {
        name = config.name
        self.news = news
        state = Mutex(State(config: config, breaker: breaker, paused: paused, now: UTCTime(epochMilliseconds: now)))
    }

    /// Changes the state; the next pass looks at the lane.
    func withState<T>(_ body: (inout State) -> T) -> T {
        defer { news.post(self) }
        return state.withLock { body(&$0) }
    }

    /// Reads the state; no news.
    func read<T>(_ body: (State) -> T) -> T { state.withLock { body($0) } }

    /// Takes the operator's pause flag as stored; whether it changed (then the next pass looks at the lane).
    func setPaused(_ paused: Bool) -> Bool {
        let changed = state.withLock { state -> Bool in
            defer { state.paused = paused }
            return state.paused != paused
        }
        if changed { news.post(self) }
        return changed
    }

    var index: Int {
        get { position.load(ordering: .relaxed) }
        set { position.store(newValue, ordering: .relaxed) }
    }

    /// Flags the lane as listed in `news`; false when it already was.
    func flagNews() -> Bool { !hasNews.exchange(true, ordering: .acquiringAndReleasing) }

    func clearNews() { hasNews.store(false, ordering: .releasing) }

    /// What a pass needs of the lane, read under one lock.
    struct Look {
        /// How many wins to claim now (`LaneState.claimLimit`).
        var claimLimit: Int
        /// It may start a call given a slot (`LaneState.wantsSlot`).
        var wantsSlot: Bool
        /// It may take a slot of the reserve (`LaneState.isQuiet`).
        var isQuiet: Bool
        var hasCallsInFlight: Bool
        /// When a claim can next find work (`LaneState.nextClaimAt`), epoch ms.
        var nextClaimAt: Int64?
    }

    func look(now: Int64) -> Look {
        state.withLock { state in
            let time = UTCTime(epochMilliseconds: now)
            return Look(
                claimLimit: state.claimLimit(now: time), wantsSlot: state.wantsSlot, isQuiet: state.isQuiet,
                hasCallsInFlight: state.inFlight > 0,
                nextClaimAt: state.nextClaimAt(now: time)?.epochMilliseconds)
        }
    }

    var config: OperatorConfig { state.withLock { $0.config } }

    /// The config, prepared secrets and the secret to sign with first, read together.
    var callSettings: (config: OperatorConfig, secrets: SecretScrubber, firstSecret: SecretChoice) {
        state.withLock { state in (state.config, state.preparedSecrets(), state.secretInUse ?? .current) }
    }

    func reconfigure(_ config: OperatorConfig, now: Int64) {
        state.withLock { $0.reconfigure(config, now: UTCTime(epochMilliseconds: now)) }
        news.post(self)
    }

    /// How many wins its first claim asks for (`LaneState.firstClaimSize`).
    func firstClaimSize(now: Int64) -> Int {
        state.withLock { $0.firstClaimSize(now: UTCTime(epochMilliseconds: now)) }
    }

    /// Before its first claim: quiet when fewer than that many wins are due (`LaneState.seedQuiet`).
    func seedQuiet(dueWins: Int, now: Int64) {
        state.withLock { $0.seedQuiet(dueWins: dueWins, now: UTCTime(epochMilliseconds: now)) }
    }

    /// How many wins to claim now (`LaneState.claimLimit`).
    func claimLimit(now: Int64) -> Int {
        state.withLock { $0.claimLimit(now: UTCTime(epochMilliseconds: now)) }
    }

    /// When a claim can next find work with nothing else happening (`LaneState.nextClaimAt`).
    func nextClaimAt(now: Int64) -> Int64? {
        state.withLock { $0.nextClaimAt(now: UTCTime(epochMilliseconds: now))?.epochMilliseconds }
    }

    /// Some call of this lane has not finished yet.
    var hasCallsInFlight: Bool { state.withLock { $0.inFlight > 0 } }

    /// Records the claim's result and when to look again (the loop's pass, which
    /// looks at the lane again itself); whether it may now start a call.
    func claimed(_ wins: [ReadyWin], requested: Int, nextDue: Int64?, now: Int64) -> (wantsSlot: Bool, isQuiet: Bool) {
        state.withLock {
            $0.claimed(
                wins, requested: requested, nextDue: nextDue.map(UTCTime.init(epochMilliseconds:)),
                now: UTCTime(epochMilliseconds: now))
            return ($0.wantsSlot, $0.isQuiet)
        }
    }

    /// Something may have become due (another process wrote, a lease was
    /// recovered, a retry was scheduled): news when it is sooner than the lane knew.
    func checkSoon(at time: Int64) {
        let sooner = state.withLock { $0.checkSoon(at: UTCTime(epochMilliseconds: time)) }
        if sooner { news.post(self) }
    }

    /// The next win to send now, taking a lane slot and a global slot, and when
    /// it was let go (the attempt's start); nil when none may go. A call taking
    /// its next win posts news (`fromCall`); the loop looks at the lanes it offers slots to.
    func takeNext(now: Int64, global: GlobalSlots, fromCall: Bool = false) -> (win: ReadyWin, permittedAt: Int64)? {
        defer { if fromCall { news.post(self) } }
        return state.withLock { state in
            let quiet = state.isQuiet
            switch state.takeNext(now: UTCTime(epochMilliseconds: now), takeGlobalSlot: { global.tryAcquire(quiet: quiet) }) {
            case .nothing:
                return nil
            case .send(let win), .probe(let win):
                return (win, state.lastPermittedAt.epochMilliseconds)
            case .returnGlobalSlot:
                global.release()
                return nil
            }
        }
    }

    /// A win was taken but not sent (its request could not be built): frees its slots.
    func notSent(global: GlobalSlots) {
        global.release()
        state.withLock { $0.notSent() }
        news.post(self)
    }

    /// A call ended: frees its slots and feeds the lane's circuit breaker.
    func finished(_ outcome: AttemptOutcome, now: Int64, global: GlobalSlots) {
        global.release()
        state.withLock { $0.finished(outcome, now: UTCTime(epochMilliseconds: now)) }
        news.post(self)
    }

    /// What the record stores of this lane since it last asked, taken under
    /// one lock: the record asks every lane every pass.
    struct Changes {
        /// Wins to hand back unsent.
        var releases: [ReadyWin]
        /// The breaker, when it changed.
        var circuit: CircuitBreaker?
        /// What `status` shows of the lane's controls, when it changed.
        var controls: (secretInUse: SecretChoice?, secretInUseSince: Int64?, rateLimitedSince: Int64?)?
    }

    func takeChanges() -> Changes {
        state.withLock { state in
            let controls = state.takeDirtyControls().map { shown in
                (
                    secretInUse: shown.secretInUse, secretInUseSince: shown.secretInUseSince?.epochMilliseconds,
                    rateLimitedSince: shown.rateLimitedSince?.epochMilliseconds
                )
            }
            return Changes(releases: state.takeReleases(), circuit: state.takeDirtyCircuit(), controls: controls)
        }
    }

    /// The wallet accepted a call signed with `secret` during a rotation.
    func accepted(_ secret: SecretChoice, now: Int64) {
        state.withLock { $0.accepted(secret, now: UTCTime(epochMilliseconds: now)) }
        news.post(self)
    }
}

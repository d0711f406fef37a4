import JackpotConfiguration
import JackpotStore
import JackpotWire

/// A win a lane holds claimed. Its rules need only when the lease ends.
package protocol LeasedWin: Sendable {
    var leaseExpiresAt: UTCTime { get }
}

/// One operator's delivery rules, as a value with no lock and no clock: how
/// many wins to hold claimed, when to claim, which call may start (and which
/// one is a half-open circuit's single probe), and which claimed wins go back
/// to `pending` unsent. `OperatorLane` holds one behind its Mutex and does what
/// the methods answer; tests drive it with plain values.
package struct LaneState<Win: LeasedWin>: Sendable {
    /// What `takeNext` asks of its caller.
    package enum Take {
        /// Nothing starts now.
        case nothing
        /// Send this win.
        case send(Win)
        /// Send this win as the half-open circuit's one probe.
        case probe(Win)
        /// The global slot taken for the call must go back: the circuit waits.
        case returnGlobalSlot
    }

    /// How far ahead a rate-limited lane claims: the wins its tokens let go in
    /// the next tenth of a second. The rest of a backlog waits in `pending`.
    package static var rateLimitClaimAhead: Duration { .milliseconds(100) }

    /// A call starts only with its whole timeout and this much more left on the
    /// win's lease: one that could outlive its lease might be sent twice at once.
    package static var leaseMargin: Duration { .seconds(5) }

    package var config: OperatorConfig {
        didSet { secrets = nil }
    }
    /// The operator's secret and URL credentials, prepared once per config for
    /// scrubbing every answer of its calls (`AttemptReport.perform`), at the
    /// first call (`preparedSecrets`), not with the lane: most of a large
    /// config's operators are idle, and each prepared copy is memory.
    private var secrets: SecretScrubber?
    /// Claimed wins waiting for a slot, oldest lease first.
    package private(set) var ready: [Win] = []
    package private(set) var inFlight = 0
    package private(set) var breaker: CircuitBreaker
    /// The breaker changed since it was last stored in the `operators` table.
    package var circuitDirty = false
    package var paused = false
    /// Removed from the config by a reload: finish what is in flight, claim nothing.
    package var removed = false
    package var stopping = false
    /// Earliest time a claim can find due work (pending wins we know of).
    package private(set) var nextCheckAt = UTCTime.epoch
    /// Claimed wins to hand back to `pending` unsent.
    private var toRelease: [Win] = []
    /// How fast this lane's calls finish: how many wins it holds claimed.
    private var pace = ClaimPace()
    /// The operator's `rateLimit`; nil when it has none.
    private var bucket: TokenBucket?
    /// When the last call was let go: never before the call let go ahead of it,
    /// nor before the time the rate limit counted its token at. Recorded as the
    /// attempt's start, it makes the attempt log obey the limit exactly.
    package private(set) var lastPermittedAt = UTCTime.epoch
    /// Since when a ready win waits for a token; cleared once the backlog is gone.
    package private(set) var rateLimitedSince: UTCTime?
    /// The last claim found fewer due wins than it asked for: once `ready` is
    /// empty, the rate limit holds nothing back.
    private var backlogClaimed = false
    /// During a secret rotation, the secret the wallet last accepted (tried first).
    package private(set) var secretInUse: SecretChoice?
    package private(set) var secretInUseSince: UTCTime?
    /// `rateLimitedSince` or `secretInUse` changed since they were last stored.
    package var controlsDirty = false

    /// A lane as a daemon starts it: its controls are stored once, overwriting
    /// what an earlier daemon left in `operators` for `status`.
    package init(config: OperatorConfig, breaker: CircuitBreaker, paused: Bool = false, now: UTCTime) {
        self.config = config
        self.breaker = breaker
        self.paused = paused
        applyControls(of: config, previous: nil, now: now)
        controlsDirty = true
    }

    var holdTarget: Int { pace.holdTarget(concurrency: config.concurrency) }
    var claimThreshold: Int { pace.claimThreshold(concurrency: config.concurrency) }

    /// A reload kept the operator: its new config applies, and a lane removed
    /// by an earlier reload comes back.
    package mutating func reconfigure(_ newConfig: OperatorConfig, now: UTCTime) {
        let previous = config
        config = newConfig
        applyControls(of: newConfig, previous: previous, now: now)
        removed = false
        nextCheckAt = now
    }

    /// How many wins to claim now; 0 when the lane is full, paused, waiting on an
    /// open circuit, or knows nothing is due yet. Holds `ClaimPace.holdTarget` wins
    /// claimed, calls in flight included, so a finished call is followed by the
    /// next at once, and claims in batches (`ClaimPace.claimThreshold`): a commit per
    /// call would cost more than the call. An idle lane claims whatever is due at once.
    /// An open or half-open circuit claims one win, for its probe.
    package func claimLimit(now: UTCTime) -> Int {
        guard !paused, !removed, !stopping, now >= nextCheckAt else { return 0 }
        let room: Int
        switch breaker.state {
        case .closed:
            room = holdTarget - inFlight - ready.count
            let idle = inFlight == 0 && ready.isEmpty
            guard room >= claimThreshold || idle else { return 0 }
            if let bucket {
                let spendable = bucket.spendable(
                    within: Self.rateLimitClaimAhead.wholeMilliseconds, from: now.epochMilliseconds)
                return max(0, min(room, spendable - ready.count))
            }
        case .open:
            guard let until = breaker.openUntil, now >= until else { return 0 }
            room = 1 - inFlight - ready.count
        case .halfOpen:
            guard !breaker.probeInFlight else { return 0 }
            room = 1 - inFlight - ready.count
        }
        return max(0, room)
    }

    /// When `claimLimit` can next be non-zero with nothing else happening: a
    /// retry or a circuit probe falling due, or a token for a rate-limited lane.
    /// Nil when only a call ending, a reload or another process's write can
    /// change that: those wake the loop.
    package func nextClaimAt(now: UTCTime) -> UTCTime? {
        guard !paused, !removed, !stopping, nextCheckAt != .distantFuture else { return nil }
        let waiting = inFlight + ready.count
        switch breaker.state {
        case .closed:
            let room = holdTarget - waiting
            var due = room >= claimThreshold || waiting == 0 ? nextCheckAt : nil
            if let bucket {
                // A claim waits for the tokens it would claim for; a ready win, for its own.
                let tokenAt = UTCTime(epochMilliseconds: bucket.nextTokenAt(now: now.epochMilliseconds))
                due = due.map { max($0, tokenAt - Self.rateLimitClaimAhead) }
                if !ready.isEmpty && inFlight < config.concurrency { due = min(due ?? .distantFuture, tokenAt) }
            }
            return due
        case .open:
            guard let until = breaker.openUntil, waiting == 0 else { return nil }
            return max(until, nextCheckAt)
        case .halfOpen:
            guard !breaker.probeInFlight, waiting == 0 else { return nil }
            return nextCheckAt
        }
    }

    /// Takes the claim's wins, and when to look again: at once after a full
    /// claim (more may be due), else at `nextDue`, the next due win the claim
    /// left (nil: none is known).
    package mutating func claimed(_ wins: [Win], requested: Int, nextDue: UTCTime?, now: UTCTime) {
        // The circuit may have opened while this claim was being committed (a call
        // failed meanwhile): such wins go straight back, as `finished` does with
        // the ones already waiting, instead of holding their leases while it is open.
        // A look at a copy: asking the breaker itself would start a probe.
        var look = breaker
        if case .wait = look.permission(now: now) {
            toRelease.append(contentsOf: wins)
        } else {
            ready.append(contentsOf: wins)
        }
        nextCheckAt = wins.count >= requested ? now : (nextDue ?? .distantFuture)
        backlogClaimed = wins.count < requested
        if backlogClaimed && ready.isEmpty { clearRateLimited() }
    }

    /// Something may have become due at `time` (another process wrote, a lease
    /// was recovered, a retry was scheduled); true when that is sooner than
    /// the lane knew, so a claim may find work earlier than it would have.
    @discardableResult
    package mutating func checkSoon(at time: UTCTime) -> Bool {
        guard time < nextCheckAt else { return false }
        nextCheckAt = time
        return true
    }

    /// A quiet operator's lane: no backlog (its last claim found fewer due wins
    /// than it asked for), so whatever it holds is new. Its calls may take the
    /// global slots kept for such lanes (`GlobalSlots`), so a new win of an
    /// operator keeping up with its traffic does not wait behind a thousand
    /// backlogs, even while its previous call is still in flight (a wallet
    /// slowed by the same load answers in hundreds of milliseconds).
    package var isQuiet: Bool { backlogClaimed }

    /// How many wins the lane's first claim asks for, if nothing changes
    /// before it: its `claimLimit` now, or 1 while it cannot claim (paused,
    /// waiting on an open circuit), so only a lane with nothing due starts quiet then.
    package func firstClaimSize(now: UTCTime) -> Int { max(1, claimLimit(now: now)) }

    /// A lane that has not claimed yet learns how many of its wins are due
    /// (`dueWins`, counted up to at least `firstClaimSize`). Fewer than its first
    /// claim asks for, and it is quiet from the start, as if that claim had
    /// found them all. Otherwise a starting daemon would take every lane for a
    /// backlog until it claimed: a quiet operator sorted after a thousand
    /// backlogged ones waited for each of their claims (`ClaimTurn`) before
    /// its first, and its new wins for as long.
    package mutating func seedQuiet(dueWins: Int, now: UTCTime) {
        backlogClaimed = dueWins < firstClaimSize(now: now)
    }

    /// Whether `takeNext` can start a call given a global slot, as far as
    /// anything other than the time goes: it holds ready wins and has room
    /// under its concurrency. Only a claim (more ready wins) or a call ending
    /// (room) makes a lane that does not want a slot want one; a wait for the
    /// rate limit's token or the circuit is time, and such a lane still wants one.
    package var wantsSlot: Bool {
        !ready.isEmpty && inFlight < config.concurrency && !paused && !stopping
    }

    /// The next win to send now, if any. `takeGlobalSlot` is called only when a
    /// call could start but for the global limit; when it answers true and the
    /// circuit then says wait, the answer is `.returnGlobalSlot`. Wins whose
    /// lease would not outlast a call go to the releases on the way.
    package mutating func takeNext(now: UTCTime, takeGlobalSlot: () -> Bool) -> Take {
        guard !paused, !stopping, inFlight < config.concurrency else { return .nothing }
        let timeout = Duration.milliseconds(Int64(config.timeoutSeconds * 1000))
        while let first = ready.first, first.leaseExpiresAt - now < timeout + Self.leaseMargin {
            toRelease.append(ready.removeFirst())
        }
        guard !ready.isEmpty else { return .nothing }
        if let bucket, bucket.available(at: now.epochMilliseconds) < 1 {
            if rateLimitedSince == nil {
                rateLimitedSince = now
                controlsDirty = true
            }
            return .nothing
        }
        guard takeGlobalSlot() else { return .nothing }
        let before = breaker
        let permission = breaker.permission(now: now)
        if case .wait = permission { return .returnGlobalSlot }
        if breaker != before { circuitDirty = true }
        inFlight += 1
        let win = ready.removeFirst()
        lastPermittedAt = max(lastPermittedAt, now)
        if bucket != nil {
            _ = bucket?.take(now: now.epochMilliseconds)
            if let bucket { lastPermittedAt = max(lastPermittedAt, UTCTime(epochMilliseconds: bucket.updatedAt)) }
            if backlogClaimed && ready.isEmpty { clearRateLimited() }
        }
        return permission == .probe ? .probe(win) : .send(win)
    }

    /// A taken win was not sent (its request could not be built). The breaker
    /// is not fed, the operator was not asked anything; had the win been a
    /// half-open circuit's probe, the next call probes instead.
    package mutating func notSent() {
        inFlight -= 1
        breaker.releaseProbe()
    }

    /// A call ended: feeds the circuit breaker and the pace. While the circuit
    /// is not closed, the wins waiting here go back to pending: they wait
    /// without burning attempts.
    package mutating func finished(_ outcome: AttemptOutcome, now: UTCTime) {
        inFlight -= 1
        pace.countFinished(now: now.epochMilliseconds)
        let before = breaker
        if case .retry(let reason, _) = outcome, reason.isTransportLevel {
            breaker.recordTransportFailure(now: now)
        } else {
            breaker.recordSuccess()
        }
        if breaker != before { circuitDirty = true }
        if breaker.state != .closed {
            toRelease.append(contentsOf: ready)
            ready.removeAll()
        }
    }

    /// Wins to hand back unsent; paused, removed and stopping lanes give back
    /// everything waiting. Released wins are due again: the lane looks for work at once.
    package mutating func takeReleases() -> [Win] {
        if paused || removed || stopping {
            toRelease.append(contentsOf: ready)
            ready.removeAll()
        }
        if !toRelease.isEmpty { nextCheckAt = .epoch }
        defer { toRelease.removeAll() }
        return toRelease
    }

    /// The wallet accepted a call signed with `secret` during a rotation.
    package mutating func accepted(_ secret: SecretChoice, now: UTCTime) {
        guard secretInUse != secret else { return }
        secretInUse = secret
        secretInUseSince = now
        controlsDirty = true
    }

    /// What `status` shows of this lane's controls, when it changed since last taken.
    package mutating func takeDirtyControls() -> (
        secretInUse: SecretChoice?, secretInUseSince: UTCTime?, rateLimitedSince: UTCTime?
    )? {
        guard controlsDirty else { return nil }
        controlsDirty = false
        return (secretInUse, secretInUseSince, rateLimitedSince)
    }

    /// The breaker to store, when it changed since it was last taken.
    package mutating func takeDirtyCircuit() -> CircuitBreaker? {
        guard circuitDirty else { return nil }
        circuitDirty = false
        return breaker
    }

    private mutating func clearRateLimited() {
        guard rateLimitedSince != nil else { return }
        rateLimitedSince = nil
        controlsDirty = true
    }

    /// Applies `config`'s rate limit (a fresh bucket when it changed) and
    /// forgets the secret in use when the rotation changed.
    private mutating func applyControls(of config: OperatorConfig, previous: OperatorConfig?, now: UTCTime) {
        if previous?.rateLimit != config.rateLimit || (bucket == nil) != (config.rateLimit == nil) {
            bucket = config.rateLimit.map {
                TokenBucket(ratePerSecond: $0.requestsPerSecond, burst: $0.burst, now: now.epochMilliseconds)
            }
            if config.rateLimit == nil { clearRateLimited() }
        }
        if previous?.previousSecret != config.previousSecret && secretInUse != nil {
            secretInUse = nil
            secretInUseSince = nil
            controlsDirty = true
        }
    }

    /// The secrets to scrub a call's answer with, prepared now if not yet.
    package mutating func preparedSecrets() -> SecretScrubber {
        if let secrets { return secrets }
        let prepared = Self.secrets(of: config)
        secrets = prepared
        return prepared
    }

    private static func secrets(of config: OperatorConfig) -> SecretScrubber {
        SecretScrubber(
            hiding: [config.secret] + [config.previousSecret?.secret].compactMap { $0 }
                + config.headers.filter(\.isSecret).map(\.value) + SecretScrubbing.urlSecrets(config.url))
    }
}

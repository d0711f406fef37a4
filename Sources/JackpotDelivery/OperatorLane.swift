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
final class ReadyWin: Sendable {
    let stored: StoredWin
    let leaseExpiresAt: Int64

    init(stored: StoredWin, leaseExpiresAt: Int64) {
        self.stored = stored
        self.leaseExpiresAt = leaseExpiresAt
    }
}

/// One operator's in-memory delivery state: claimed wins waiting to be sent,
/// calls in flight, the circuit breaker and the pause flag. Shared by the
/// dispatcher loop and the calls in flight, hence the Mutex.
final class OperatorLane: Sendable {
    let name: String

    struct State {
        var config: OperatorConfig {
            didSet { secrets = Self.secrets(of: config) }
        }
        /// The operator's secret and URL credentials, prepared once per config for
        /// scrubbing every answer of its calls (`AttemptReport.perform`).
        var secrets: SecretScrubber
        var ready: [ReadyWin] = []
        var inFlight = 0
        var breaker: CircuitBreaker
        /// The breaker changed since it was last stored in the `operators` table.
        var circuitDirty = false
        var paused = false
        /// Removed from the config by a reload: finish what is in flight, claim nothing.
        var removed = false
        var stopping = false
        /// Earliest time a claim can find due work (pending wins we know of).
        var nextCheckAt: Int64 = 0
        /// Claimed wins to hand back to `pending` unsent.
        var toRelease: [ReadyWin] = []
        /// How fast this lane's calls finish: how many wins it holds claimed.
        var pace = ClaimPace()
        var holdTarget: Int { pace.holdTarget(concurrency: config.concurrency) }
        var claimThreshold: Int { pace.claimThreshold(concurrency: config.concurrency) }
        /// The operator's `rateLimit`; nil when it has none.
        var bucket: TokenBucket?
        /// Since when a ready win waits for a token; cleared once the backlog is gone.
        var rateLimitedSince: Int64?
        /// The last claim found fewer due wins than it asked for: once `ready` is
        /// empty, the rate limit holds nothing back.
        var backlogClaimed = false
        /// During a secret rotation, the secret the wallet last accepted (tried first).
        var secretInUse: SecretChoice?
        var secretInUseSince: Int64?
        /// `rateLimitedSince` or `secretInUse` changed since they were last stored.
        var controlsDirty = false

        init(config: OperatorConfig, breaker: CircuitBreaker) {
            self.config = config
            self.breaker = breaker
            secrets = Self.secrets(of: config)
        }

        static func secrets(of config: OperatorConfig) -> SecretScrubber {
            SecretScrubber(
                hiding: [config.secret] + [config.previousSecret?.secret].compactMap { $0 }
                    + config.headers.filter(\.isSecret).map(\.value) + SecretScrubbing.urlSecrets(config.url))
        }

        mutating func clearRateLimited() {
            guard rateLimitedSince != nil else { return }
            rateLimitedSince = nil
            controlsDirty = true
        }

        /// Applies `config`'s rate limit (a fresh bucket when it changed) and
        /// forgets the secret in use when the rotation changed.
        mutating func applyControls(of config: OperatorConfig, previous: OperatorConfig?, now: Int64) {
            if previous?.rateLimit != config.rateLimit || (bucket == nil) != (config.rateLimit == nil) {
                bucket = config.rateLimit.map { TokenBucket(ratePerSecond: $0.requestsPerSecond, burst: $0.burst, now: now) }
                if config.rateLimit == nil { clearRateLimited() }
            }
            if previous?.previousSecret != config.previousSecret && secretInUse != nil {
                secretInUse = nil
                secretInUseSince = nil
                controlsDirty = true
            }
        }
    }

    private let state: Mutex<State>

    init(config: OperatorConfig, breaker: CircuitBreaker) {
        name = config.name
        state = Mutex(State(config: config, breaker: breaker))
    }

    func withState<T>(_ body: (inout State) -> T) -> T { state.withLock { body(&$0) } }

    var config: OperatorConfig { state.withLock { $0.config } }

    /// The config, prepared secrets and the secret to sign with first, read together.
    var callSettings: (config: OperatorConfig, secrets: SecretScrubber, firstSecret: SecretChoice) {
        state.withLock { ($0.config, $0.secrets, $0.secretInUse ?? .current) }
    }

    /// How far ahead a rate-limited lane claims: the wins its tokens let go in
    /// the next tenth of a second. The rest of a backlog waits in `pending`.
    static let rateLimitClaimAheadMs: Int64 = 100

    /// How many wins to claim now; 0 when the lane is full, paused, waiting on an
    /// open circuit, or knows nothing is due yet. Holds `ClaimPace.holdTarget` wins
    /// claimed, calls in flight included, so a finished call is followed by the
    /// next at once, and claims in batches (`ClaimPace.claimThreshold`): a commit per
    /// call would cost more than the call. An idle lane claims whatever is due at once.
    func claimLimit(now: Int64) -> Int {
        state.withLock { state in
            guard !state.paused, !state.removed, !state.stopping, now >= state.nextCheckAt else { return 0 }
            let room: Int
            switch state.breaker.state {
            case .closed:
                room = state.holdTarget - state.inFlight - state.ready.count
                let idle = state.inFlight == 0 && state.ready.isEmpty
                guard room >= state.claimThreshold || idle else { return 0 }
                if let bucket = state.bucket {
                    let spendable = bucket.spendable(within: Self.rateLimitClaimAheadMs, from: now)
                    return max(0, min(room, spendable - state.ready.count))
                }
            case .open:
                guard let until = state.breaker.openUntilMs, now >= until else { return 0 }
                room = 1 - state.inFlight - state.ready.count
            case .halfOpen:
                guard !state.breaker.probeInFlight else { return 0 }
                room = 1 - state.inFlight - state.ready.count
            }
            return max(0, room)
        }
    }

    /// When `claimLimit` can next be non-zero with nothing else happening: a
    /// retry or a circuit probe falling due. Nil when only a call ending, a
    /// reload or another process's write can change that: those wake the loop.
    func nextClaimAt(now: Int64) -> Int64? {
        state.withLock { state in
            guard !state.paused, !state.removed, !state.stopping, state.nextCheckAt != .max else { return nil }
            let waiting = state.inFlight + state.ready.count
            switch state.breaker.state {
            case .closed:
                let room = state.holdTarget - waiting
                var due = room >= state.claimThreshold || waiting == 0 ? state.nextCheckAt : nil
                if let bucket = state.bucket {
                    // A claim waits for the tokens it would claim for; a ready win, for its own.
                    let tokenAt = bucket.nextTokenAt(now: now)
                    due = due.map { max($0, tokenAt - Self.rateLimitClaimAheadMs) }
                    if !state.ready.isEmpty && state.inFlight < state.config.concurrency { due = min(due ?? .max, tokenAt) }
                }
                return due
            case .open:
                guard let until = state.breaker.openUntilMs, waiting == 0 else { return nil }
                return max(until, state.nextCheckAt)
            case .halfOpen:
                guard !state.breaker.probeInFlight, waiting == 0 else { return nil }
                return state.nextCheckAt
            }
        }
    }

    /// Records the claim's result and when to look again.
    func claimed(_ wins: [ReadyWin], requested: Int, nextDue: Int64?, now: Int64) {
        state.withLock { state in
            // The circuit may have opened while this claim was being committed (a call
            // failed meanwhile): such wins go straight back, as `finished` does with
            // the ones already waiting, instead of holding their leases while it is open.
            var breaker = state.breaker
            if case .wait = breaker.permission(nowMs: now) {
                state.toRelease.append(contentsOf: wins)
            } else {
                state.ready.append(contentsOf: wins)
            }
            state.nextCheckAt = wins.count >= requested ? now : (nextDue ?? Int64.max)
            state.backlogClaimed = wins.count < requested
            if state.backlogClaimed && state.ready.isEmpty { state.clearRateLimited() }
        }
    }

    /// Something may have become due (another process wrote, a lease was recovered).
    func checkSoon(at time: Int64) {
        state.withLock { $0.nextCheckAt = min($0.nextCheckAt, time) }
    }

    /// The next win to send now, taking a lane slot and a global slot, or nil.
    func takeNext(now: Int64, global: GlobalSlots) -> ReadyWin? {
        state.withLock { state in
            guard !state.paused, !state.stopping, state.inFlight < state.config.concurrency else { return nil }
            let timeoutMs = Int64(state.config.timeoutSeconds * 1000)
            // Never start a call that could outlive its lease.
            while let first = state.ready.first, first.leaseExpiresAt - now < timeoutMs + 5000 {
                state.toRelease.append(state.ready.removeFirst())
            }
            guard !state.ready.isEmpty else { return nil }
            if let bucket = state.bucket, bucket.available(at: now) < 1 {
                if state.rateLimitedSince == nil {
                    state.rateLimitedSince = now
                    state.controlsDirty = true
                }
                return nil
            }
            guard global.tryAcquire() else { return nil }
            let before = state.breaker
            switch state.breaker.permission(nowMs: now) {
            case .send, .probe:
                if state.breaker != before { state.circuitDirty = true }
                state.inFlight += 1
                let win = state.ready.removeFirst()
                if state.bucket != nil {
                    _ = state.bucket?.take(now: now)
                    if state.backlogClaimed && state.ready.isEmpty { state.clearRateLimited() }
                }
                return win
            case .wait:
                global.release()
                return nil
            }
        }
    }

    /// A win was taken but not sent (its request could not be built): frees its
    /// slots. The breaker is not fed, the operator was not asked anything; had
    /// the win been a half-open circuit's probe, the next call probes instead.
    func notSent(global: GlobalSlots) {
        global.release()
        state.withLock { state in
            state.inFlight -= 1
            state.breaker.releaseProbe()
        }
    }

    /// A call ended: frees its slots and feeds the circuit breaker. While the
    /// circuit is not closed, the wins waiting here go back to pending: they wait
    /// without burning attempts.
    func finished(_ outcome: AttemptOutcome, now: Int64, global: GlobalSlots) {
        global.release()
        state.withLock { state in
            state.inFlight -= 1
            state.pace.countFinished(now: now)
            let before = state.breaker
            if case .retry(let reason, _) = outcome, reason.isTransportLevel {
                state.breaker.recordTransportFailure(nowMs: now)
            } else {
                state.breaker.recordSuccess()
            }
            if state.breaker != before { state.circuitDirty = true }
            if state.breaker.state != .closed {
                state.toRelease.append(contentsOf: state.ready)
                state.ready.removeAll()
            }
        }
    }

    /// Wins to hand back unsent; paused, removed and stopping lanes give back everything waiting.
    func takeReleases() -> [ReadyWin] {
        state.withLock { state in
            if state.paused || state.removed || state.stopping {
                state.toRelease.append(contentsOf: state.ready)
                state.ready.removeAll()
            }
            // Released wins are due again: look for work at once.
            if !state.toRelease.isEmpty { state.nextCheckAt = 0 }
            defer { state.toRelease.removeAll() }
            return state.toRelease
        }
    }

    /// The wallet accepted a call signed with `secret` during a rotation.
    func accepted(_ secret: SecretChoice, now: Int64) {
        state.withLock { state in
            guard state.secretInUse != secret else { return }
            state.secretInUse = secret
            state.secretInUseSince = now
            state.controlsDirty = true
        }
    }

    /// What `status` shows of this lane's controls, when it changed since last taken.
    func takeDirtyControls() -> (secretInUse: SecretChoice?, secretInUseSince: Int64?, rateLimitedSince: Int64?)? {
        state.withLock { state in
            guard state.controlsDirty else { return nil }
            state.controlsDirty = false
            return (state.secretInUse, state.secretInUseSince, state.rateLimitedSince)
        }
    }

    /// The breaker to store, when it changed since the last call.
    func takeDirtyCircuit() -> CircuitBreaker? {
        state.withLock { state in
            guard state.circuitDirty else { return nil }
            state.circuitDirty = false
            return state.breaker
        }
    }
}

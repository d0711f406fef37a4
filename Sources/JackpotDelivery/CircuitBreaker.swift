import JackpotConfiguration
import JackpotStore
import JackpotWire

/// Per-operator circuit breaker. An operator that keeps failing at transport
/// level (connection refused, timeouts, resets) gets no traffic except one
/// probe per cool-down: its wins wait without burning attempts, and its dead
/// connections do not hold the concurrency that healthy operators need.
///
/// A value type with no clock of its own: the dispatcher owns one per operator,
/// passes the time in, and persists the fields so `status` can show them.
package struct CircuitBreaker: Sendable, Hashable {
    package typealias State = CircuitState

    package enum Permission: Sendable, Hashable {
        /// Send normally.
        case send
        /// Send one call as the probe; report its result with `recordSuccess`,
        /// `recordTransportFailure` or `releaseProbe`.
        case probe
        /// Send nothing before this time.
        case wait(until: UTCTime)
    }

    /// How soon to ask again while a probe is in flight: the probe's own result
    /// normally arrives first, this only bounds the wait if it never does.
    package static let probeRecheck = Duration.seconds(1)

    package let settings: CircuitSettings
    package private(set) var state: State
    package private(set) var consecutiveFailures: Int
    /// When the next probe may go.
    package private(set) var openUntil: UTCTime?
    /// The current cool-down; grows ×2 per failed probe up to `maxOpenSeconds`.
    package private(set) var cooldown: Duration
    package private(set) var probeInFlight: Bool

    package init(settings: CircuitSettings) {
        self.init(
            settings: settings, state: .closed, consecutiveFailures: 0, openUntil: nil,
            cooldown: Self.firstCooldown(settings))
    }

    /// Restores the fields stored in the database. A probe cannot survive a
    /// restart, so none is in flight: a restored half-open circuit probes again.
    package init(
        settings: CircuitSettings, state: State, consecutiveFailures: Int, openUntil: UTCTime?, cooldown: Duration
    ) {
        self.settings = settings
        self.state = state
        self.consecutiveFailures = max(0, consecutiveFailures)
        self.openUntil = openUntil
        self.cooldown = cooldown > .zero ? cooldown : Self.firstCooldown(settings)
        self.probeInFlight = false
    }

    /// Whether a call may start now. Asking is what starts a probe, so call it
    /// only when a call would really start.
    package mutating func permission(now: UTCTime) -> Permission {
        switch state {
        case .closed:
            return .send
        case .open:
            if let openUntil, now < openUntil { return .wait(until: openUntil) }
            return startProbe()
        case .halfOpen:
            if probeInFlight { return .wait(until: now + Self.probeRecheck) }
            return startProbe()
        }
    }

    /// Any answer that proves the operator reachable — including HTTP errors and
    /// error codes, which the retry policy handles — closes the circuit.
    package mutating func recordSuccess() {
        state = .closed
        consecutiveFailures = 0
        openUntil = nil
        cooldown = Self.firstCooldown(settings)
        probeInFlight = false
    }

    /// Counts a transport-level failure. At the threshold the circuit opens for
    /// the current cool-down; a failed probe re-opens it with the cool-down
    /// doubled. Failures of calls that started before the circuit opened leave
    /// the cool-down alone, so a burst of in-flight timeouts does not stretch it.
    package mutating func recordTransportFailure(now: UTCTime) {
        consecutiveFailures += 1
        switch state {
        case .closed:
            if consecutiveFailures >= max(1, settings.failureThreshold) {
                open(now: now)
            }
        case .halfOpen:
            let longest = max(Duration.seconds(clamping: settings.maxOpenSeconds), Self.firstCooldown(settings))
            cooldown = min(cooldown * 2, longest)
            open(now: now)
        case .open:
            break
        }
    }

    /// A probe that ended without an answer either way (shutdown, cancelled):
    /// the circuit stays where it was and the next caller may probe.
    package mutating func releaseProbe() {
        guard state == .halfOpen else { return }
        probeInFlight = false
    }

    private mutating func startProbe() -> Permission {
        state = .halfOpen
        probeInFlight = true
        return .probe
    }

    private mutating func open(now: UTCTime) {
        state = .open
        probeInFlight = false
        openUntil = now + cooldown
    }

    /// `openSeconds` as a span, the cool-down a circuit starts with.
    private static func firstCooldown(_ settings: CircuitSettings) -> Duration {
        Duration.seconds(clamping: settings.openSeconds)
    }
}

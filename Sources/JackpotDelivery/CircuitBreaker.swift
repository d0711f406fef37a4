import JackpotConfiguration
import JackpotStore
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
        case wait(untilMs: Int64)
    }

    /// How soon to ask again while a probe is in flight: the probe's own result
    /// normally arrives first, this only bounds the wait if it never does.
    package static let probeRecheckMs: Int64 = 1000

    package let settings: CircuitSettings
    package private(set) var state: State
    package private(set) var consecutiveFailures: Int
    /// When the next probe may go.
    package private(set) var openUntilMs: Int64?
    /// The current cool-down; grows ×2 per failed probe up to `maxOpenSeconds`.
    package private(set) var cooldownSeconds: Double
    package private(set) var probeInFlight: Bool

    package init(settings: CircuitSettings) {
        self.init(
            settings: settings, state: .closed, consecutiveFailures: 0, openUntilMs: nil,
            cooldownSeconds: settings.openSeconds)
    }

    /// Restores the fields stored in the database. A probe cannot survive a
    /// restart, so none is in flight: a restored half-open circuit probes again.
    package init(
        settings: CircuitSettings, state: State, consecutiveFailures: Int, openUntilMs: Int64?, cooldownSeconds: Double
    ) {
        self.settings = settings
        self.state = state
        self.consecutiveFailures = max(0, consecutiveFailures)
        self.openUntilMs = openUntilMs
        self.cooldownSeconds = cooldownSeconds.isFinite && cooldownSeconds > 0 ? cooldownSeconds : settings.openSeconds
        self.probeInFlight = false
    }

    /// Whether a call may start now. Asking is what starts a probe, so call it
    /// only when a call would really start.
    package mutating func permission(nowMs: Int64) -> Permission {
        switch state {
        case .closed:
            return .send
        case .open:
            if let openUntilMs, nowMs < openUntilMs { return .wait(untilMs: openUntilMs) }
            return startProbe()
        case .halfOpen:
            if probeInFlight {
                let (recheck, overflow) = nowMs.addingReportingOverflow(Self.probeRecheckMs)
                return .wait(untilMs: overflow ? .max : recheck)
            }
            return startProbe()
        }
    }

    /// Any answer that proves the operator reachable — including HTTP errors and
    /// error codes, which the retry policy handles — closes the circuit.
    package mutating func recordSuccess() {
        state = .closed
        consecutiveFailures = 0
        openUntilMs = nil
        cooldownSeconds = settings.openSeconds
        probeInFlight = false
    }

    /// Counts a transport-level failure. At the threshold the circuit opens for
    /// the current cool-down; a failed probe re-opens it with the cool-down
    /// doubled. Failures of calls that started before the circuit opened leave
    /// the cool-down alone, so a burst of in-flight timeouts does not stretch it.
    package mutating func recordTransportFailure(nowMs: Int64) {
        consecutiveFailures += 1
        switch state {
        case .closed:
            if consecutiveFailures >= max(1, settings.failureThreshold) {
                open(nowMs: nowMs)
            }
        case .halfOpen:
            cooldownSeconds = min(cooldownSeconds * 2, max(settings.maxOpenSeconds, settings.openSeconds))
            open(nowMs: nowMs)
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

    private mutating func open(nowMs: Int64) {
        state = .open
        probeInFlight = false
        let cooldownMs = Int64(min((cooldownSeconds * 1000).rounded(.up), 1e15))
        let (until, overflow) = nowMs.addingReportingOverflow(cooldownMs)
        openUntilMs = overflow ? .max : until
    }
}

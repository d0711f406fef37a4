import Testing
import JackpotConfiguration
import JackpotDelivery
import JackpotStore

@Suite(.timeLimit(.minutes(2))) struct CircuitBreakerTests {
    private static func settings(threshold: Int = 3, open: Double = 5, max: Double = 30) -> CircuitSettings {
        var settings = CircuitSettings()
        settings.failureThreshold = threshold
        settings.openSeconds = open
        settings.maxOpenSeconds = max
        return settings
    }

    private let start: Int64 = 1_795_261_320_000

    @Test func opensExactlyAtTheThreshold() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 3))
        breaker.recordTransportFailure(nowMs: start)
        breaker.recordTransportFailure(nowMs: start)
        #expect(breaker.state == .closed)
        #expect(breaker.permission(nowMs: start) == .send)
        breaker.recordTransportFailure(nowMs: start)
        #expect(breaker.state == .open)
        #expect(breaker.consecutiveFailures == 3)
        #expect(breaker.openUntilMs == start + 5_000)
    }

    @Test func openCircuitWaitsWithoutPermittingSends() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 1))
        breaker.recordTransportFailure(nowMs: start)
        for offset: Int64 in [0, 1, 2_500, 4_999] {
            #expect(breaker.permission(nowMs: start + offset) == .wait(untilMs: start + 5_000))
        }
        #expect(breaker.state == .open)
        #expect(!breaker.probeInFlight)
    }

    @Test func exactlyOneProbeAtATimeAfterTheCooldown() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 1))
        breaker.recordTransportFailure(nowMs: start)
        #expect(breaker.permission(nowMs: start + 5_000) == .probe)
        #expect(breaker.state == .halfOpen)
        #expect(breaker.probeInFlight)
        for offset: Int64 in [5_000, 5_001, 9_000] {
            guard case .wait(let until) = breaker.permission(nowMs: start + offset) else {
                Issue.record("second call allowed while a probe is in flight")
                return
            }
            #expect(until > start + offset)
        }
        breaker.releaseProbe()
        #expect(breaker.state == .halfOpen && !breaker.probeInFlight)
        #expect(breaker.permission(nowMs: start + 9_500) == .probe)
        #expect(breaker.permission(nowMs: start + 9_500) != .probe)
    }

    @Test func failedProbeDoublesTheCooldownUpToTheMax() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 1, open: 5, max: 30))
        var now = start
        breaker.recordTransportFailure(nowMs: now)
        var cooldowns: [Double] = [breaker.cooldownSeconds]
        for _ in 0..<4 {
            now = breaker.openUntilMs!
            #expect(breaker.permission(nowMs: now - 1) == .wait(untilMs: now))
            #expect(breaker.permission(nowMs: now) == .probe)
            breaker.recordTransportFailure(nowMs: now)
            #expect(breaker.state == .open)
            #expect(breaker.openUntilMs == now + Int64(breaker.cooldownSeconds * 1000))
            cooldowns.append(breaker.cooldownSeconds)
        }
        #expect(cooldowns == [5, 10, 20, 30, 30])
    }

    @Test func lateFailuresWhileOpenDoNotStretchTheCooldown() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 2))
        breaker.recordTransportFailure(nowMs: start)
        breaker.recordTransportFailure(nowMs: start)
        let until = breaker.openUntilMs
        breaker.recordTransportFailure(nowMs: start + 1_000)  // a call that was already in flight
        #expect(breaker.openUntilMs == until)
        #expect(breaker.cooldownSeconds == 5)
    }

    @Test func successClosesAndResetsEverything() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 1))
        breaker.recordTransportFailure(nowMs: start)
        _ = breaker.permission(nowMs: start + 5_000)
        breaker.recordTransportFailure(nowMs: start + 5_000)
        #expect(breaker.cooldownSeconds == 10)
        _ = breaker.permission(nowMs: breaker.openUntilMs!)
        breaker.recordSuccess()
        #expect(breaker == CircuitBreaker(settings: Self.settings(threshold: 1)))
        #expect(breaker.permission(nowMs: start + 15_000) == .send)
    }

    @Test func aNonTransportAnswerResetsTheFailureCount() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 3))
        breaker.recordTransportFailure(nowMs: start)
        breaker.recordTransportFailure(nowMs: start)
        breaker.recordSuccess()  // e.g. HTTP 503 or error code 100: the operator answered
        breaker.recordTransportFailure(nowMs: start)
        breaker.recordTransportFailure(nowMs: start)
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 2)
        #expect(breaker.permission(nowMs: start) == .send)
    }

    @Test func restoresFromDatabaseFields() {
        let settings = Self.settings(threshold: 3, open: 5, max: 300)
        var open = CircuitBreaker(
            settings: settings, state: .open, consecutiveFailures: 7,
            openUntilMs: start + 40_000, cooldownSeconds: 40)
        #expect(open.state == .open && open.consecutiveFailures == 7 && open.cooldownSeconds == 40 && !open.probeInFlight)
        #expect(open.permission(nowMs: start) == .wait(untilMs: start + 40_000))
        #expect(open.permission(nowMs: start + 40_000) == .probe)
        open.recordTransportFailure(nowMs: start + 40_000)
        #expect(open.cooldownSeconds == 80)
        #expect(open.openUntilMs == start + 120_000)

        // A probe cannot survive a restart: a stored half-open circuit probes again.
        var halfOpen = CircuitBreaker(
            settings: settings, state: .halfOpen, consecutiveFailures: 4,
            openUntilMs: start, cooldownSeconds: 10)
        #expect(halfOpen.permission(nowMs: start + 1) == .probe)
        #expect(CircuitBreaker.State(rawValue: "half-open") == .halfOpen)
    }
}

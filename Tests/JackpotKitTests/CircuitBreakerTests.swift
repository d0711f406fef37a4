import Testing
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct CircuitBreakerTests {
    private static func settings(threshold: Int = 3, open: Double = 5, max: Double = 30) -> CircuitSettings {
        var settings = CircuitSettings()
        settings.failureThreshold = threshold
        settings.openSeconds = open
        settings.maxOpenSeconds = max
        return settings
    }

    private let start = UTCTime(epochMilliseconds: 1_795_261_320_000)

    @Test func opensExactlyAtTheThreshold() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 3))
        breaker.recordTransportFailure(now: start)
        breaker.recordTransportFailure(now: start)
        #expect(breaker.state == .closed)
        #expect(breaker.permission(now: start) == .send)
        breaker.recordTransportFailure(now: start)
        #expect(breaker.state == .open)
        #expect(breaker.consecutiveFailures == 3)
        #expect(breaker.openUntil == start + .milliseconds(5_000))
    }

    @Test func openCircuitWaitsWithoutPermittingSends() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 1))
        breaker.recordTransportFailure(now: start)
        for offset: Int64 in [0, 1, 2_500, 4_999] {
            #expect(breaker.permission(now: start + .milliseconds(offset)) == .wait(until: start + .milliseconds(5_000)))
        }
        #expect(breaker.state == .open)
        #expect(!breaker.probeInFlight)
    }

    @Test func exactlyOneProbeAtATimeAfterTheCooldown() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 1))
        breaker.recordTransportFailure(now: start)
        #expect(breaker.permission(now: start + .milliseconds(5_000)) == .probe)
        #expect(breaker.state == .halfOpen)
        #expect(breaker.probeInFlight)
        for offset: Int64 in [5_000, 5_001, 9_000] {
            guard case .wait(let until) = breaker.permission(now: start + .milliseconds(offset)) else {
                Issue.record("second call allowed while a probe is in flight")
                return
            }
            #expect(until > start + .milliseconds(offset))
        }
        breaker.releaseProbe()
        #expect(breaker.state == .halfOpen && !breaker.probeInFlight)
        #expect(breaker.permission(now: start + .milliseconds(9_500)) == .probe)
        #expect(breaker.permission(now: start + .milliseconds(9_500)) != .probe)
    }

    @Test func failedProbeDoublesTheCooldownUpToTheMax() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 1, open: 5, max: 30))
        var now = start
        breaker.recordTransportFailure(now: now)
        var cooldowns: [Duration] = [breaker.cooldown]
        for _ in 0..<4 {
            now = breaker.openUntil!
            #expect(breaker.permission(now: now - .milliseconds(1)) == .wait(until: now))
            #expect(breaker.permission(now: now) == .probe)
            breaker.recordTransportFailure(now: now)
            #expect(breaker.state == .open)
            #expect(breaker.openUntil == now + breaker.cooldown)
            cooldowns.append(breaker.cooldown)
        }
        #expect(cooldowns == [5, 10, 20, 30, 30].map { Duration.seconds($0) })
    }

    @Test func lateFailuresWhileOpenDoNotStretchTheCooldown() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 2))
        breaker.recordTransportFailure(now: start)
        breaker.recordTransportFailure(now: start)
        let until = breaker.openUntil
        breaker.recordTransportFailure(now: start + .milliseconds(1_000))  // a call that was already in flight
        #expect(breaker.openUntil == until)
        #expect(breaker.cooldown == .seconds(5))
    }

    @Test func successClosesAndResetsEverything() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 1))
        breaker.recordTransportFailure(now: start)
        _ = breaker.permission(now: start + .milliseconds(5_000))
        breaker.recordTransportFailure(now: start + .milliseconds(5_000))
        #expect(breaker.cooldown == .seconds(10))
        _ = breaker.permission(now: breaker.openUntil!)
        breaker.recordSuccess()
        #expect(breaker == CircuitBreaker(settings: Self.settings(threshold: 1)))
        #expect(breaker.permission(now: start + .milliseconds(15_000)) == .send)
    }

    @Test func aNonTransportAnswerResetsTheFailureCount() {
        var breaker = CircuitBreaker(settings: Self.settings(threshold: 3))
        breaker.recordTransportFailure(now: start)
        breaker.recordTransportFailure(now: start)
        breaker.recordSuccess()  // e.g. HTTP 503 or error code 100: the operator answered
        breaker.recordTransportFailure(now: start)
        breaker.recordTransportFailure(now: start)
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 2)
        #expect(breaker.permission(now: start) == .send)
    }

    @Test func restoresFromDatabaseFields() {
        let settings = Self.settings(threshold: 3, open: 5, max: 300)
        var open = CircuitBreaker(
            settings: settings, state: .open, consecutiveFailures: 7,
            openUntil: start + .milliseconds(40_000), cooldown: .seconds(40))
        #expect(open.state == .open && open.consecutiveFailures == 7 && open.cooldown == .seconds(40) && !open.probeInFlight)
        #expect(open.permission(now: start) == .wait(until: start + .milliseconds(40_000)))
        #expect(open.permission(now: start + .milliseconds(40_000)) == .probe)
        open.recordTransportFailure(now: start + .milliseconds(40_000))
        #expect(open.cooldown == .seconds(80))
        #expect(open.openUntil == start + .milliseconds(120_000))

        // A probe cannot survive a restart: a stored half-open circuit probes again.
        var halfOpen = CircuitBreaker(
            settings: settings, state: .halfOpen, consecutiveFailures: 4,
            openUntil: start, cooldown: .seconds(10))
        #expect(halfOpen.permission(now: start + .milliseconds(1)) == .probe)
        #expect(CircuitBreaker.State(rawValue: "half-open") == .halfOpen)
    }
}

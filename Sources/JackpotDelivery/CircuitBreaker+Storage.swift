import JackpotConfiguration
import JackpotStore

extension OperatorRuntimeState {
    /// The breaker as a restarted daemon finds it.
    func breaker(settings: CircuitSettings) -> CircuitBreaker {
        CircuitBreaker(
            settings: settings, state: circuitState, consecutiveFailures: consecutiveFailures,
            openUntilMs: circuitOpenUntil, cooldownSeconds: circuitCooldown)
    }
}

extension Outbox {
    func saveCircuit(operator name: String, _ breaker: CircuitBreaker, now: Int64) throws {
        try saveCircuit(
            operator: name, state: breaker.state, consecutiveFailures: breaker.consecutiveFailures,
            openUntil: breaker.openUntilMs, cooldownSeconds: breaker.cooldownSeconds, now: now)
    }
}

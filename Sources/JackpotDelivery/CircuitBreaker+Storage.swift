import JackpotConfiguration
import JackpotStore
import JackpotWire

extension OperatorRuntimeState {
    /// The breaker as a restarted daemon finds it (the outbox keeps epoch milliseconds and seconds).
    func breaker(settings: CircuitSettings) -> CircuitBreaker {
        CircuitBreaker(
            settings: settings, state: circuitState, consecutiveFailures: consecutiveFailures,
            openUntil: circuitOpenUntil.map(UTCTime.init(epochMilliseconds:)),
            cooldown: circuitCooldown.isFinite ? Duration.seconds(clamping: circuitCooldown) : .zero)
    }
}

extension Outbox {
    func saveCircuit(operator name: String, _ breaker: CircuitBreaker, now: Int64) throws {
        try saveCircuit(
            operator: name, state: breaker.state, consecutiveFailures: breaker.consecutiveFailures,
            openUntil: breaker.openUntil?.epochMilliseconds, cooldownSeconds: breaker.cooldown.inSeconds, now: now)
    }
}

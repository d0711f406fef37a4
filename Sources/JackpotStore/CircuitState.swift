/// Where an operator's circuit breaker stands, as stored in `operators.circuit_state`.
package enum CircuitState: String, Sendable, Hashable, CaseIterable {
    case closed
    case open
    case halfOpen = "half-open"
}

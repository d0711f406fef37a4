extension Duration {
    /// A span given in seconds as a config file or a `Retry-After` header gives
    /// them, to the nearest nanosecond (so `0.3` is 300 ms, not 299.99…). It
    /// never traps: NaN is no time, and the range stops at ±9·10⁹ s (285 years),
    /// which is "never" for every rule that waits.
    package static func seconds(clamping seconds: Double) -> Duration {
        guard !seconds.isNaN else { return .zero }
        let limit = 9e9
        return .nanoseconds(Int64((min(max(seconds, -limit), limit) * 1e9).rounded()))
    }

    /// The span in seconds: for a value stored or shown in seconds.
    package var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

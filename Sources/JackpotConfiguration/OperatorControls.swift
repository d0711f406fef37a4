/// How many calls a second an operator's wallet accepts (`rateLimit`): a
/// token bucket refilled at `requestsPerSecond`, holding at most `burst`.
package struct RateLimit: Sendable, Hashable {
    package var requestsPerSecond: Double
    /// Calls that may go at once after a quiet spell; 1 spaces every call.
    package var burst: Int

    package static let defaultBurst = 1

    package init(requestsPerSecond: Double, burst: Int = defaultBurst) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }
}

/// The secret being rotated out (`previousSecretFile` / `previousSecretEnv`
/// with `previousSecretUntil`): until `untilMs`, a call the wallet refuses
/// with the operator's `badHashErrorCode` is sent again signed with it, so
/// neither side of a rotation has to switch at the same moment.
package struct PreviousSecret: Sendable, Hashable {
    package var secret: String
    /// Epoch milliseconds after which the previous secret is no longer tried.
    package var untilMs: Int64

    package init(secret: String, untilMs: Int64) {
        self.secret = secret
        self.untilMs = untilMs
    }

    /// The previous secret while it is still valid at `now`.
    package func active(at now: Int64) -> String? { now < untilMs ? secret : nil }
}

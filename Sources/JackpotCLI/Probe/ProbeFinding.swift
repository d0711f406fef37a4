/// One thing the probe learned about the wallet, with how much it matters.
package struct ProbeFinding: Sendable, Hashable {
    package enum Severity: String, Sendable, Hashable, Comparable {
        /// Money is at risk: going live would let wins be forged or paid twice.
        case critical
        /// Delivery would work but something needs a decision.
        case warning
        /// Worth knowing; jackpotd handles it.
        case info
        /// A check passed.
        case ok

        private var rank: Int {
            switch self {
            case .critical: 0
            case .warning: 1
            case .info: 2
            case .ok: 3
            }
        }

        package static func < (left: Severity, right: Severity) -> Bool { left.rank < right.rank }
    }

    package var severity: Severity
    /// A stable name for scripts (`wrong-hash-accepted`).
    package var code: String
    package var message: String

    package init(_ severity: Severity, _ code: String, _ message: String) {
        self.severity = severity
        self.code = code
        self.message = message
    }
}

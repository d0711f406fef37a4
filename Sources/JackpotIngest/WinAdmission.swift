import JackpotConfiguration
import JackpotStore
import JackpotWire

/// The checks a parsed win passes before it is stored, the same for
/// `enqueue --config` and for the HTTP listener: its operator is configured,
/// and that operator's wallet can take it (`requireToken`, limits). The reasons
/// are the words both print.
package struct WinAdmission: Sendable {
    /// Configured operator names; nil when there is no config to check against.
    package let operators: Set<String>?
    package let dialects: [String: WireDialect]

    package init(config: JackpotConfig?) {
        operators = config.map { Set($0.operators.keys) }
        dialects = config?.operators.mapValues(\.dialect) ?? [:]
    }

    /// Why `newWin` is refused, or nil when it may be stored.
    package func refusal(of newWin: NewWin) -> String? {
        let name = newWin.win.operatorName
        if let operators, !operators.contains(name) {
            return "operator \"\(name)\" is not configured (known: \(operators.sorted().joined(separator: ", ")))"
        }
        return dialects[name]?.refusal(of: newWin.win)?.description
    }
}

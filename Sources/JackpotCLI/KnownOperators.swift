import JackpotConfiguration
import JackpotStore

/// The one check every `--operator`/OPERATOR argument goes through, so `list`,
/// `export`, `retry` and `pause` agree: exit 1, "no operator X (known: …)".
/// An empty list for a misspelt operator would look like "nothing wrong".
enum KnownOperators {
    /// Names jackpotd knows: those the outbox has seen, plus the configured ones.
    static func all(outbox: Outbox, config: JackpotConfig?) throws -> Set<String> {
        let seen = Set(try outbox.operatorStates().keys).union(try outbox.statusSnapshot(now: 0).operatorNames)
        return seen.union(config?.operators.keys.map { $0 } ?? [])
    }

    static func require(_ name: String?, among known: Set<String>) throws(CommandFailure) {
        guard let name, !known.contains(name) else { return }
        throw CommandFailure("no operator \"\(name)\" (known: \(known.sorted().joined(separator: ", ")))")
    }
}

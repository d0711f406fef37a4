import Foundation
import JackpotStore
import JackpotWire
extension WinFilter {
    /// The filter options `list` and `export` share: `--state`, `--operator`,
    /// `--user`, `--since` and `--until`. A command that does not declare an
    /// option never sees it, so it stays unset.
    init(_ arguments: ParsedArguments, now: Int64 = WallClock.nowMilliseconds()) throws(UsageError) {
        self.init(
            state: try arguments.state("--state"),
            operatorName: arguments.value("--operator"),
            userId: arguments.value("--user"),
            createdSince: try arguments.pointInTime("--since", now: now))
        createdBefore = try arguments.pointInTime("--until", now: now)
    }
}

extension ParsedArguments {
    /// `--since`/`--until`: a duration back from now (`2h`, `3d`) or an absolute
    /// UTC time (`2026-11-01`, `2026-11-01T14:30`, `2026-11-01T14:30:05Z`), so a
    /// reconciliation can name the operator's billing period exactly.
    func pointInTime(_ name: String, now: Int64) throws(UsageError) -> Int64? {
        guard let text = value(name) else { return nil }
        if text.count >= 10, text.dropFirst(4).first == "-" {
            guard let milliseconds = Self.utcMilliseconds(text) else {
                throw UsageError(
                    "\(name) must be a duration such as 2h or 3d, or a UTC date/time such as 2026-11-01 or 2026-11-01T14:30Z, got \"\(text)\""
                )
            }
            return milliseconds
        }
        return try duration(name).map { now - Int64($0 * 1000) }
    }

    /// `YYYY-MM-DD`, then optionally `THH:MM`, `:SS` and `Z`; always UTC (`UTCTime`).
    static func utcMilliseconds(_ text: String) -> Int64? { UTCTime(parsing: text, .config)?.epochMilliseconds }
}

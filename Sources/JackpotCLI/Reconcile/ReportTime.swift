import JackpotWire

/// Times in a report and in `--from`/`--to`: ISO 8601 (`2026-12-01`,
/// `2026-12-01T06:00:00Z`, with fractions or an offset such as `+01:00`) or
/// epoch milliseconds (`UTCTime.Grammar.report`).
package enum ReportTime {
    /// Epoch milliseconds, or nil when `text` is none of the accepted forms.
    package static func parse(_ text: String) -> Int64? {
        UTCTime(parsing: text, .report)?.epochMilliseconds
    }

    static let accepted = "an ISO 8601 time such as 2026-12-01T06:00:00Z or 2026-12-01, or epoch milliseconds"
}

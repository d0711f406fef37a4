import JackpotWire

/// How times read in human output: UTC timestamps and short ages.
package enum TimeFormat {
    /// `2026-11-21 11:42:07Z`
    package static func timestamp(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "-" }
        return UTCTime(epochMilliseconds: milliseconds).text(.readable)
    }

    /// ISO 8601 with milliseconds, for JSON and CSV: `2026-11-21T11:42:07.123Z`.
    package static func iso8601(_ milliseconds: Int64?) -> String? {
        milliseconds.map { UTCTime(epochMilliseconds: $0).text(.milliseconds) }
    }

    /// `45s`, `12m05s`, `3h20m`, `2d04h`.
    package static func age(_ milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds / 1000)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + twoDigits(seconds % 60) + "s" }
        if seconds < 86400 { return "\(seconds / 3600)h" + twoDigits(seconds % 3600 / 60) + "m" }
        return "\(seconds / 86400)d" + twoDigits(seconds % 86400 / 3600) + "h"
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : String(value) }
}

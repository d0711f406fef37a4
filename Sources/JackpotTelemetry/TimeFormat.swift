import Foundation

/// How times read in human output: UTC timestamps and short ages.
package enum TimeFormat {
    /// `2026-11-21 11:42:07Z`
    package static func timestamp(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "-" }
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))Z"
    }

    /// ISO 8601 with milliseconds, for JSON and CSV: `2026-11-21T11:42:07.123Z`.
    package static func iso8601(_ milliseconds: Int64?) -> String? {
        guard let milliseconds else { return nil }
        let stamp = timestamp(milliseconds)
        return stamp.replacingOccurrences(of: " ", with: "T").dropLast() + String(format: ".%03dZ", Int(milliseconds % 1000))
    }

    /// `45s`, `12m05s`, `3h20m`, `2d04h`.
    package static func age(_ milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds / 1000)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + String(format: "%02ds", Int(seconds % 60)) }
        if seconds < 86400 { return "\(seconds / 3600)h" + String(format: "%02dm", Int(seconds % 3600 / 60)) }
        return "\(seconds / 86400)d" + String(format: "%02dh", Int(seconds % 86400 / 3600))
    }
}

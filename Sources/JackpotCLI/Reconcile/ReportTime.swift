import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire
import Foundation

/// Times in a report and in `--from`/`--to`: ISO 8601 (`2026-12-01`,
/// `2026-12-01T06:00:00Z`, with fractions or an offset) or epoch milliseconds.
enum ReportTime {
    /// Epoch milliseconds, or nil when `text` is none of the accepted forms.
    static func parse(_ text: String) -> Int64? {
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text.utf8.count <= 15 {
            return Int64(text)
        }
        for options in formats {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) {
                return Int64((date.timeIntervalSince1970 * 1000).rounded())
            }
        }
        return nil
    }

    private static let formats: [ISO8601DateFormatter.Options] = [
        [.withInternetDateTime],
        [.withInternetDateTime, .withFractionalSeconds],
        [.withFullDate],
    ]

    static let accepted = "an ISO 8601 time such as 2026-12-01T06:00:00Z or 2026-12-01, or epoch milliseconds"
}

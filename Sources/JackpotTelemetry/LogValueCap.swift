/// A bound on each logged text value: a 1 MB reference written by plain SQL
/// must not become a 1 MB log line (journald splits lines at 48 KiB, log
/// shippers drop them). The marker keeps the cut visible and says how much there was.
package enum LogValueCap {
    /// UTF-8 bytes of a value kept in a log line.
    package static let limit = 1024

    /// `text` itself when within the limit; else its first `limit` bytes (whole
    /// characters only) followed by `…(N bytes)`, N the original length.
    package static func capped(_ text: String) -> String {
        let total = text.utf8.count
        guard total > limit else { return text }
        var kept = ""
        var bytes = 0
        for scalar in text.unicodeScalars {
            let size = UTF8.width(scalar)
            if bytes + size > limit { break }
            kept.unicodeScalars.append(scalar)
            bytes += size
        }
        return kept + "…(\(total) bytes)"
    }

    static func capped(_ value: LogValue) -> LogValue {
        if case .string(let text) = value { return .string(capped(text)) }
        return value
    }
}

import Foundation

/// The `Retry-After` header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date.
///
/// Parsed by hand rather than with `DateFormatter`, whose behaviour depends on
/// locale and platform; the three date forms are fixed English text in GMT.
package enum RetryAfter {
    /// Seconds to wait from `now`: a past date gives 0, anything unreadable `nil`
    /// (the caller then falls back to its own back-off).
    package static func parse(_ value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return Double(text)
        }
        guard let date = httpDate(text, now: now) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850
    /// (`Sunday, 06-Nov-94 08:49:37 GMT`) or asctime (`Sun Nov  6 08:49:37 1994`).
    static func httpDate(_ text: String, now: Date) -> Date? {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let day: Int?
        let month: Int?
        let year: Int?
        let time: String
        switch words.count {
        case 6 where words[0].hasSuffix(","):  // IMF-fixdate
            guard shortDays.contains(String(words[0].dropLast())), words[5] == "GMT" else { return nil }
            day = number(words[1], digits: 2...2)
            month = monthNumber(words[2])
            year = number(words[3], digits: 4...4)
            time = words[4]
        case 4 where words[0].hasSuffix(","):  // RFC 850
            guard longDays.contains(String(words[0].dropLast())), words[3] == "GMT" else { return nil }
            let parts = words[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let shortYear = number(parts[2], digits: 2...2) else { return nil }
            day = number(parts[0], digits: 2...2)
            month = monthNumber(parts[1])
            year = fullYear(twoDigits: shortYear, now: now)
            time = words[2]
        case 5:  // asctime
            guard shortDays.contains(words[0]) else { return nil }
            month = monthNumber(words[1])
            day = number(words[2], digits: 1...2)
            time = words[3]
            year = number(words[4], digits: 4...4)
        default:
            return nil
        }
        let clock = time.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let day, let month, let year, clock.count == 3,
            let hour = number(clock[0], digits: 2...2), let minute = number(clock[1], digits: 2...2),
            let second = number(clock[2], digits: 2...2),
            let time = UTCTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return Date(timeIntervalSince1970: Double(time.epochMilliseconds) / 1000)
    }

    private static let shortDays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let longDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func monthNumber(_ name: String) -> Int? {
        months.firstIndex(of: name).map { $0 + 1 }
    }

    private static func number(_ text: String, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    /// RFC 9110: a two-digit year more than 50 years in the future means the
    /// most recent past year with those last two digits.
    private static func fullYear(twoDigits: Int, now: Date) -> Int {
        let currentYear = civilYear(of: now)
        var year = currentYear - currentYear % 100 + twoDigits
        if year > currentYear + 50 { year -= 100 }
        return year
    }

    private static func civilYear(of date: Date) -> Int {
        Int(UTCTime(epochMilliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down))).components.year)
    }
}

/// A UTC date and time as written in the config and on the command line
/// (`2026-11-01`, `2026-11-01T14:30`, `2026-11-01T14:30:05Z`), as epoch
/// milliseconds. Shared by `--since`/`--until` and `previousSecretUntil`.
package enum UTCTime {
    /// `YYYY-MM-DD`, then optionally `THH:MM` (or a space), `:SS` and `Z`; always UTC.
    /// Plain arithmetic rather than DateFormatter: no locale, nothing lenient,
    /// and no ICU data loaded by a command that only lists wins.
    package static func milliseconds(_ text: String) -> Int64? {
        var text = Substring(text)
        if text.hasSuffix("Z") { text.removeLast() }
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "T" || $0 == " " })
        guard (1...2).contains(parts.count) else { return nil }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        let time = parts.count == 2 ? parts[1].split(separator: ":", omittingEmptySubsequences: false) : []
        guard date.count == 3, date[0].count == 4, date[1].count == 2, date[2].count == 2,
            parts.count == 1 || (2...3).contains(time.count), time.allSatisfy({ $0.count == 2 })
        else { return nil }
        let pieces: [Substring] = date + time
        let numbers: [Int?] = pieces.map { piece in piece.unicodeScalars.allSatisfy(\.isASCII) ? Int(piece) : nil }
        guard numbers.allSatisfy({ $0 != nil }) else { return nil }
        let values: [Int] = numbers.map { $0! } + [0, 0, 0]
        let (year, month, day, hour, minute, second) = (values[0], values[1], values[2], values[3], values[4], values[5])
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...monthDays[month - 1]).contains(day), (0...23).contains(hour),
            (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let hours: Int = days * 24 + hour
        let seconds: Int = (hours * 60 + minute) * 60 + second
        return Int64(seconds) * 1000
    }

    /// `2026-12-31T12:00:00Z`: epoch milliseconds as the config writes them back.
    package static func text(_ milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}

import Foundation
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
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
                throw UsageError("\(name) must be a duration such as 2h or 3d, or a UTC date/time such as 2026-11-01 or 2026-11-01T14:30Z, got \"\(text)\"")
            }
            return milliseconds
        }
        return try duration(name).map { now - Int64($0 * 1000) }
    }

    /// `YYYY-MM-DD`, then optionally `THH:MM` (or a space), `:SS` and `Z`; always UTC.
    /// Plain arithmetic rather than DateFormatter: no locale, nothing lenient,
    /// and no ICU data loaded by a command that only lists wins.
    static func utcMilliseconds(_ text: String) -> Int64? {
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
}

/// An instant, as the outbox stores every time: UTC epoch milliseconds.
///
/// One type for instants so that a span (`Duration`) cannot be passed where a
/// point in time is meant, nor seconds where milliseconds are. The dates it
/// reads and writes (config, command line, reports, logs, human output, backup
/// names) all go through `init(parsing:_:)` and `text(_:)`: plain arithmetic
/// rather than DateFormatter, so there is no locale, nothing lenient, and no ICU
/// data loaded by a command that only lists wins.
package struct UTCTime: Sendable, Hashable, Comparable {
    package var epochMilliseconds: Int64

    package init(epochMilliseconds: Int64) {
        self.epochMilliseconds = epochMilliseconds
    }

    /// 1970-01-01T00:00:00Z.
    package static let epoch = UTCTime(epochMilliseconds: 0)
    /// Later than any real time: "never", or "nothing known to be due".
    package static let distantFuture = UTCTime(epochMilliseconds: .max)

    package static func < (lhs: UTCTime, rhs: UTCTime) -> Bool { lhs.epochMilliseconds < rhs.epochMilliseconds }

    /// Whole milliseconds later (fractions dropped), stopping at the ends of
    /// the range: "never" plus a margin is still never.
    package static func + (time: UTCTime, span: Duration) -> UTCTime {
        let (sum, overflow) = time.epochMilliseconds.addingReportingOverflow(span.wholeMilliseconds)
        guard overflow else { return UTCTime(epochMilliseconds: sum) }
        return span > .zero ? .distantFuture : UTCTime(epochMilliseconds: .min)
    }

    package static func - (time: UTCTime, span: Duration) -> UTCTime {
        time + (.zero - span)
    }

    /// The span from `earlier` to `later`.
    package static func - (later: UTCTime, earlier: UTCTime) -> Duration {
        let (difference, overflow) = later.epochMilliseconds.subtractingReportingOverflow(earlier.epochMilliseconds)
        guard overflow else { return .milliseconds(difference) }
        return later > earlier ? .milliseconds(Int64.max) : .milliseconds(Int64.min)
    }
}

extension Duration {
    /// Whole milliseconds, truncated toward zero, saturated at Int64's range.
    package var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (fromSeconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return seconds > 0 ? .max : .min }
        let (sum, overflowed) = fromSeconds.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        guard !overflowed else { return seconds > 0 ? .max : .min }
        return sum
    }
}

// MARK: Reading

extension UTCTime {
    /// The date grammars in use; each refuses anything it does not name rather than guess.
    package enum Grammar: Sendable {
        /// The config and the command line (`previousSecretUntil`, `--since`, `--until`):
        /// `YYYY-MM-DD`, then optionally `THH:MM` (or a space), `:SS`, and `Z`; always UTC.
        case config
        /// An operator's report and `--from`/`--to`: `YYYY-MM-DD` alone, or with
        /// `THH:MM:SS` (or a space), optional fraction, and `Z` or an offset such as
        /// `+01:00`; or epoch milliseconds.
        case report
    }

    package init?(parsing text: String, _ grammar: Grammar) {
        let bytes = Array(text.utf8)
        if grammar == .report, !bytes.isEmpty, bytes.count <= 15, bytes.allSatisfy(Scanner.isDigit), let value = Int64(text) {
            self.init(epochMilliseconds: value)
            return
        }
        var scanner = Scanner(bytes: bytes)
        guard let year = scanner.number(4), scanner.skip("-"), let month = scanner.number(2), scanner.skip("-"),
            let day = scanner.number(2), (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var milliseconds = Self.daysSinceEpoch(year: year, month: month, day: day) * 86_400_000
        if scanner.atEnd || (grammar == .config && scanner.skip("Z") && scanner.atEnd) {
            self.init(epochMilliseconds: milliseconds)
            return
        }
        guard scanner.skip("T") || scanner.skip(" "), let hour = scanner.number(2), hour < 24, scanner.skip(":"),
            let minute = scanner.number(2), minute < 60
        else { return nil }
        milliseconds += Int64(hour * 3_600_000 + minute * 60_000)
        if scanner.skip(":") {
            guard let second = scanner.number(2), second < 60 else { return nil }
            milliseconds += Int64(second * 1000)
        } else if grammar == .report {
            return nil
        }
        if grammar == .report && scanner.skip(".") {
            var digits = 0
            var fraction = 0
            while let digit = scanner.digit() {
                if digits < 3 { fraction = fraction * 10 + digit }
                digits += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { fraction *= 10 }
            milliseconds += Int64(fraction)
        }
        if scanner.atEnd && grammar == .config || scanner.skip("Z") && scanner.atEnd {
            self.init(epochMilliseconds: milliseconds)
            return
        }
        guard grammar == .report else { return nil }
        let sign: Int64
        if scanner.skip("+") { sign = 1 } else if scanner.skip("-") { sign = -1 } else { return nil }
        guard let offsetHours = scanner.number(2), offsetHours < 24, scanner.skip(":"), let offsetMinutes = scanner.number(2),
            offsetMinutes < 60, scanner.atEnd
        else { return nil }
        self.init(epochMilliseconds: milliseconds - sign * Int64(offsetHours * 3_600_000 + offsetMinutes * 60_000))
    }

    /// The instant of a proleptic Gregorian date and time, for grammars read
    /// elsewhere (HTTP dates); nil when the date does not exist. A leap second
    /// (`:60`) counts as the next second, as POSIX time does.
    package init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day), (0..<24).contains(hour),
            (0..<60).contains(minute), (0...60).contains(second)
        else { return nil }
        let seconds =
            Self.daysSinceEpoch(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3_600 + minute * 60 + second)
        self.init(epochMilliseconds: seconds * 1000)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra - 719_468)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        var atEnd: Bool { position == bytes.count }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        mutating func digit() -> Int? {
            guard position < bytes.count, Self.isDigit(bytes[position]) else { return nil }
            position += 1
            return Int(bytes[position - 1] - 0x30)
        }

        /// Exactly `count` digits.
        mutating func number(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }
    }
}

// MARK: Writing

extension UTCTime {
    /// How an instant is written; always UTC, always the same width for years 0–9999.
    package enum Style: Sendable {
        /// `2026-12-31T12:00:00Z`: the config's own form, and `--since`.
        case seconds
        /// `2026-12-31T12:00:00.123Z` (RFC 3339): logs, JSON and CSV.
        case milliseconds
        /// `2026-12-31 12:00:00Z`: tables for people.
        case readable
        /// `20261231T120000Z`: file names.
        case compact
    }

    /// The civil date and time of this instant, in UTC.
    package var components: (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, millisecond: Int64)
    {
        let (days, millisecondOfDay) = Self.floorDivide(epochMilliseconds, 86_400_000)
        // Howard Hinnant's `civil_from_days`.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (
            year, month, day, millisecondOfDay / 3_600_000, millisecondOfDay / 60_000 % 60, millisecondOfDay / 1000 % 60,
            millisecondOfDay % 1000
        )
    }

    package func text(_ style: Style) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(24)
        append(style, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the text as UTF-8 bytes: a log line is built this way, one per attempt.
    package func append(_ style: Style, to output: inout [UInt8]) {
        let time = components
        let separated = style != .compact
        Self.appendPadded(time.year, 4, to: &output)
        if separated { output.append(UInt8(ascii: "-")) }
        Self.appendPadded(time.month, 2, to: &output)
        if separated { output.append(UInt8(ascii: "-")) }
        Self.appendPadded(time.day, 2, to: &output)
        output.append(style == .readable ? UInt8(ascii: " ") : UInt8(ascii: "T"))
        Self.appendPadded(time.hour, 2, to: &output)
        if separated { output.append(UInt8(ascii: ":")) }
        Self.appendPadded(time.minute, 2, to: &output)
        if separated { output.append(UInt8(ascii: ":")) }
        Self.appendPadded(time.second, 2, to: &output)
        if style == .milliseconds {
            output.append(UInt8(ascii: "."))
            Self.appendPadded(time.millisecond, 3, to: &output)
        }
        output.append(UInt8(ascii: "Z"))
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    /// `value` in decimal, zero-padded to `width` digits (a negative year keeps its sign first).
    private static func appendPadded(_ value: Int64, _ width: Int, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        let digits = String(value.magnitude).utf8
        if digits.count < width { output += repeatElement(UInt8(ascii: "0"), count: width - digits.count) }
        output += digits
    }
}

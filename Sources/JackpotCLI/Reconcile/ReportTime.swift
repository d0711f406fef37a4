/// Times in a report and in `--from`/`--to`: ISO 8601 (`2026-12-01`,
/// `2026-12-01T06:00:00Z`, with fractions or an offset such as `+01:00`) or
/// epoch milliseconds.
///
/// Parsed by hand rather than with `ISO8601DateFormatter`: that loads ICU's
/// calendar data (several MB resident) for what is a fixed grammar here.
package enum ReportTime {
    /// Epoch milliseconds, or nil when `text` is none of the accepted forms.
    package static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        if !bytes.isEmpty, bytes.count <= 15, bytes.allSatisfy(isDigit) { return Int64(text) }
        var scanner = Scanner(bytes: bytes)
        guard let year = scanner.number(4), scanner.skip("-"), let month = scanner.number(2), scanner.skip("-"),
              let day = scanner.number(2), (1...12).contains(month), (1...daysIn(month, year)).contains(day)
        else { return nil }
        var milliseconds = daysFromCivil(year, month, day) * 86_400_000
        if scanner.atEnd { return milliseconds }
        guard scanner.skip("T") || scanner.skip(" "), let hour = scanner.number(2), hour < 24, scanner.skip(":"),
              let minute = scanner.number(2), minute < 60, scanner.skip(":"), let second = scanner.number(2), second < 60
        else { return nil }
        milliseconds += Int64(hour * 3_600_000 + minute * 60_000 + second * 1000)
        if scanner.skip(".") {
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
        if scanner.skip("Z") && scanner.atEnd { return milliseconds }
        let sign: Int64
        if scanner.skip("+") { sign = 1 } else if scanner.skip("-") { sign = -1 } else { return nil }
        guard let offsetHours = scanner.number(2), offsetHours < 24, scanner.skip(":"), let offsetMinutes = scanner.number(2),
              offsetMinutes < 60, scanner.atEnd
        else { return nil }
        return milliseconds - sign * Int64(offsetHours * 3_600_000 + offsetMinutes * 60_000)
    }

    static let accepted = "an ISO 8601 time such as 2026-12-01T06:00:00Z or 2026-12-01, or epoch milliseconds"

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
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

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        mutating func digit() -> Int? {
            guard position < bytes.count, ReportTime.isDigit(bytes[position]) else { return nil }
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

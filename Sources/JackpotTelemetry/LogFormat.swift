import JackpotConfiguration
import JackpotStore
import JackpotWire
/// How a log event is rendered: logfmt for people and `grep`, JSON for log shippers.
package enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json
}

/// Turns one event into exactly one line, whatever its values contain: a value
/// with a newline must not be able to forge a second event in the log.
package enum LogLineFormatter {
    static func line(
        format: LogFormat, timestampMs: Int64, level: LogLevel, event: String,
        fields: KeyValuePairs<String, LogValue>
    ) -> String {
        var pairs: [(key: String, value: LogValue)] = [
            ("ts", .string(timestamp(ms: timestampMs))), ("level", .string(level.rawValue)), ("event", .string(event)),
        ]
        pairs.reserveCapacity(fields.count + 3)
        for field in fields { pairs.append((field.key, LogValueCap.capped(field.value))) }
        switch format {
        case .logfmt: return logfmt(pairs)
        case .json: return json(pairs)
        }
    }

    // MARK: logfmt

    private static func logfmt(_ pairs: [(key: String, value: LogValue)]) -> String {
        var output = ""
        for (position, pair) in pairs.enumerated() {
            if position > 0 { output += " " }
            output += logfmtKey(pair.key)
            output += "="
            switch pair.value {
            case .string(let text): output += logfmtString(text)
            case .int(let number): output += String(number)
            case .double(let number): output += number.isFinite ? String(number) : logfmtString(String(number))
            case .bool(let flag): output += flag ? "true" : "false"
            }
        }
        return output
    }

    /// Keys come from our own code, but a stray space or `=` would still make the
    /// line unparseable, so anything outside the usual identifier set becomes `_`.
    private static func logfmtKey(_ key: String) -> String {
        if key.isEmpty { return "_" }
        if key.utf8.allSatisfy(isKeyByte) { return key }
        var output = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".", "/": output.unicodeScalars.append(scalar)
            default: output += "_"
            }
        }
        return output
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"): true
        default: false
        }
    }

    /// Bare when safe, else double-quoted with escapes, so the line splits on
    /// spaces unambiguously and never spans two lines.
    private static func logfmtString(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "=" || scalar == "\"" || scalar == "\\" || isControl(scalar)
        }
        return needsQuotes ? JSONWriter.quoted(text) : text
    }

    /// C0, DEL, C1 and the Unicode line/paragraph separators: anything a terminal
    /// or log viewer might treat as a line break or escape sequence.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }

    // MARK: JSON

    private static func json(_ pairs: [(key: String, value: LogValue)]) -> String {
        var output = "{"
        for (position, pair) in pairs.enumerated() {
            if position > 0 { output += "," }
            JSONWriter.appendQuoted(pair.key, to: &output)
            output += ":"
            switch pair.value {
            case .string(let text): JSONWriter.appendQuoted(text, to: &output)
            case .int(let number): output += String(number)
            // JSON has no NaN or infinity; a string keeps the line valid.
            case .double(let number): output += number.isFinite ? String(number) : JSONWriter.quoted(String(number))
            case .bool(let flag): output += flag ? "true" : "false"
            }
        }
        output += "}"
        return output
    }

    // MARK: time

    /// RFC 3339 UTC with milliseconds, computed by hand: no formatter to share
    /// across tasks, and the output never depends on the machine's locale.
    package static func timestamp(ms: Int64) -> String {
        let (days, msOfDay) = floorDivide(ms, 86_400_000)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let hour = msOfDay / 3_600_000
        let minute = msOfDay / 60_000 % 60
        let second = msOfDay / 1000 % 60
        let millisecond = msOfDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))Z"
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

    /// Howard Hinnant's `civil_from_days`: proleptic Gregorian date of a day count.
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

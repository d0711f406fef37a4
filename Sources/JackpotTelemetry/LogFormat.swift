import JackpotWire
/// How a log event is rendered: logfmt for people and `grep`, JSON for log shippers.
package enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json
}

/// Turns one event into exactly one line, whatever its values contain: a value
/// with a newline must not be able to forge a second event in the log.
package enum LogLineFormatter {
    /// Written as UTF-8 bytes and decoded once: the dispatcher logs every
    /// attempt, and a `String` appended piece by piece cost as much as the
    /// attempt's database write.
    static func line(
        format: LogFormat, timestampMs: Int64, level: LogLevel, event: String,
        fields: KeyValuePairs<String, LogValue>
    ) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        switch format {
        case .logfmt:
            output += "ts=".utf8
            appendTimestamp(ms: timestampMs, to: &output)
            output += " level=".utf8
            output += level.rawValue.utf8
            output += " event=".utf8
            appendLogfmtString(event, to: &output)
            for field in fields {
                output.append(UInt8(ascii: " "))
                appendLogfmtKey(field.key, to: &output)
                output.append(UInt8(ascii: "="))
                appendLogfmt(LogValueCap.capped(field.value), to: &output)
            }
        case .json:
            output += "{\"ts\":\"".utf8
            appendTimestamp(ms: timestampMs, to: &output)
            output += "\",\"level\":\"".utf8
            output += level.rawValue.utf8
            output += "\",\"event\":".utf8
            JSONWriter.appendQuoted(event, to: &output)
            for field in fields {
                output.append(UInt8(ascii: ","))
                JSONWriter.appendQuoted(field.key, to: &output)
                output.append(UInt8(ascii: ":"))
                appendJSON(LogValueCap.capped(field.value), to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: logfmt

    private static func appendLogfmt(_ value: LogValue, to output: inout [UInt8]) {
        switch value {
        case .string(let text): appendLogfmtString(text, to: &output)
        case .int(let number): output += String(number).utf8
        case .double(let number):
            if number.isFinite { output += String(number).utf8 } else { appendLogfmtString(String(number), to: &output) }
        case .bool(let flag): output += (flag ? "true" : "false").utf8
        }
    }

    private static func appendLogfmtKey(_ key: String, to output: inout [UInt8]) {
        if key.isEmpty {
            output.append(UInt8(ascii: "_"))
        } else if key.utf8.allSatisfy(isKeyByte) {
            output.appendUTF8(key)
        } else {
            for scalar in key.unicodeScalars {
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".", "/": output += String(scalar).utf8
                default: output.append(UInt8(ascii: "_"))
                }
            }
        }
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"):
            true
        default: false
        }
    }

    /// Bare when it has no space, `=`, quote, backslash or control character; quoted as JSON otherwise.
    private static func appendLogfmtString(_ text: String, to output: inout [UInt8]) {
        let needsQuotes: Bool
        if text.isEmpty {
            needsQuotes = true
        } else if text.utf8.allSatisfy({ $0 < 0x80 }) {
            needsQuotes = text.utf8.contains { byte in
                byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"")
                    || byte == UInt8(ascii: "\\")
            }
        } else {
            needsQuotes = text.unicodeScalars.contains { scalar in
                scalar == " " || scalar == "=" || scalar == "\"" || scalar == "\\" || isControl(scalar)
            }
        }
        if needsQuotes { JSONWriter.appendQuoted(text, to: &output) } else { output.appendUTF8(text) }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }

    // MARK: JSON

    private static func appendJSON(_ value: LogValue, to output: inout [UInt8]) {
        switch value {
        case .string(let text): JSONWriter.appendQuoted(text, to: &output)
        case .int(let number): output += String(number).utf8
        // JSON has no NaN or infinity; a string keeps the line valid.
        case .double(let number):
            if number.isFinite { output += String(number).utf8 } else { JSONWriter.appendQuoted(String(number), to: &output) }
        case .bool(let flag): output += (flag ? "true" : "false").utf8
        }
    }

    // MARK: time

    /// RFC 3339 UTC with milliseconds (`UTCTime.Style.milliseconds`): no formatter
    /// to share across tasks, and the output never depends on the machine's locale.
    package static func timestamp(ms: Int64) -> String {
        UTCTime(epochMilliseconds: ms).text(.milliseconds)
    }

    /// `2026-12-03T11:42:07.123Z`, in UTC.
    static func appendTimestamp(ms: Int64, to output: inout [UInt8]) {
        UTCTime(epochMilliseconds: ms).append(.milliseconds, to: &output)
    }
}

/// Writes JSON text by hand, so that numbers go out exactly as the text we hold
/// (amounts, transaction ids) and keys keep the order we chose.
package enum JSONWriter {
    /// `value` as compact JSON text.
    package static func serialize(_ value: JSONValue) -> String {
        var output = ""
        write(value, into: &output)
        return output
    }

    package static func write(_ value: JSONValue, into output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): appendQuoted(text, to: &output)
        case .array(let elements):
            output += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { output += "," }
                write(element, into: &output)
            }
            output += "]"
        case .object(let object):
            output += "{"
            for (position, member) in object.members.enumerated() {
                if position > 0 { output += "," }
                appendQuoted(member.key, to: &output)
                output += ":"
                write(member.value, into: &output)
            }
            output += "}"
        }
    }

    /// `text` as a JSON string literal: quotes, backslashes and control characters
    /// escaped; everything else (including non-ASCII) written as UTF-8.
    package static func quoted(_ text: String) -> String {
        var output = ""
        appendQuoted(text, to: &output)
        return output
    }

    package static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        // Fast path: most text (ids, references, field names) needs no escape.
        if !text.utf8.contains(where: needsEscapeCheck) {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// `appendQuoted` into bytes, for bodies built as bytes: text that needs no
    /// escape (nearly all) is copied without a `String` in between.
    package static func appendQuoted(_ text: String, to output: inout [UInt8]) {
        guard !text.utf8.contains(where: needsEscapeCheck) else {
            output += quoted(text).utf8
            return
        }
        output.append(UInt8(ascii: "\""))
        output.appendUTF8(text)
        output.append(UInt8(ascii: "\""))
    }

    /// True for every byte that may start a character the slow path escapes: C0
    /// controls, `"`, `\\`, DEL, 0xC2 (the lead byte of the C1 controls) and 0xE2
    /// (of U+2028 and U+2029). Escaping C1 and the separators keeps a value from
    /// breaking a log line in a terminal or viewer, and is still valid JSON.
    private static func needsEscapeCheck(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F || byte == 0xC2 || byte == 0xE2
    }
}

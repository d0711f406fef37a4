/// Text from outside (enqueue lines, plain-SQL rows, operators' answers) made
/// inert before it reaches a terminal: a `\n` cannot forge an output line, an
/// ESC cannot drive the terminal. Every human output passes values through
/// `escaped`; `--json` output is exact (JSONWriter escapes for its own syntax).
package enum HumanText {
    /// C0 controls, DEL and C1 controls (U+0080–U+009F, e.g. U+0085 NEXT LINE,
    /// U+009B CSI) as visible escapes: `\n`, `\r`, `\t`, `\x1b`, `\u{85}`.
    package static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x00..<0x20, 0x7F:
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            case 0x80...0x9F: result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

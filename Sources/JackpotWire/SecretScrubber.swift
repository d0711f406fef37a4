/// The forms of a call's secrets to search for in what the operator answered:
/// an operator's secret and URL credentials prepared once per config, the win's
/// token added per call, applied to each text stored or logged from it.
///
/// Matching is on UTF-8 bytes: a secret is matched exactly as it was sent (UTF-8
/// never matches in the middle of a character), and the search runs once per
/// attempt on the dispatcher's hot path, where Foundation's `NSString` search
/// cost more than the rest of recording the attempt.
package struct SecretScrubber: Sendable {
    /// Each value raw, form-encoded and JSON-escaped (with and without `\/`), longest first,
    /// so that a longer form is masked whole before a shorter one inside it.
    private let forms: [[UInt8]]

    package init(hiding values: [String]) {
        self = SecretScrubber(forms: []).adding(values)
    }

    private init(forms: [[UInt8]]) {
        self.forms = forms
    }

    /// This scrubber hiding `values` too: an operator's secrets are prepared once, a win's token per call.
    /// Each new form is inserted in place: this runs once per attempt.
    package func adding(_ values: [String]) -> SecretScrubber {
        var forms = self.forms
        for value in values where value.count >= SecretScrubbing.minimumLength {
            // A value of unreserved characters only (most tokens) is its own form-encoded
            // and JSON form: one form, without building the other three.
            if value.utf8.allSatisfy(FormEncoding.isUnreserved) {
                let raw = Array(value.utf8)
                if !forms.contains(raw) { forms.insert(raw, at: forms.firstIndex { Self.precedes(raw, $0) } ?? forms.endIndex) }
                continue
            }
            let json = Array(JSONWriter.quoted(value).utf8.dropFirst().dropLast())
            // Many encoders (PHP's among them) write "/" as "\/".
            var slashEscaped: [UInt8] = []
            for byte in json {
                if byte == UInt8(ascii: "/") { slashEscaped.append(UInt8(ascii: "\\")) }
                slashEscaped.append(byte)
            }
            for form in [Array(value.utf8), Array(FormEncoding.encodeComponent(value).utf8), json, slashEscaped]
            where !forms.contains(form) {
                forms.insert(form, at: forms.firstIndex { Self.precedes(form, $0) } ?? forms.endIndex)
            }
        }
        return SecretScrubber(forms: forms)
    }

    /// Longest first, so that a longer form is masked whole before a shorter one inside it.
    private static func precedes(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        left.count != right.count ? left.count > right.count : left.lexicographicallyPrecedes(right)
    }

    /// `text` with every form replaced by `***`; `text` itself when none occurs.
    package func scrubbed(_ text: String) -> String {
        guard !forms.isEmpty else { return text }
        var bytes = Array(text.utf8)
        var changed = false
        for form in forms {
            if let replaced = Self.replacingAll(form, in: bytes) {
                bytes = replaced
                changed = true
            }
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    /// `bytes` with each non-overlapping `needle`, left to right, replaced by the mask; nil when there is none.
    private static func replacingAll(_ needle: [UInt8], in bytes: [UInt8]) -> [UInt8]? {
        guard let first = needle.first, bytes.count >= needle.count else { return nil }
        var output: [UInt8] = []
        var copiedUpTo = 0
        var index = 0
        let lastStart = bytes.count - needle.count
        while index <= lastStart {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) {
                if output.isEmpty { output.reserveCapacity(bytes.count) }
                output += bytes[copiedUpTo..<index]
                output += SecretScrubbing.mask.utf8
                index += needle.count
                copiedUpTo = index
            } else {
                index += 1
            }
        }
        guard copiedUpTo > 0 else { return nil }
        output += bytes[copiedUpTo...]
        return output
    }
}

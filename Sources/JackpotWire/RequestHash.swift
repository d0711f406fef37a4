/// The wallet API's request hash: every field sent except `hash`, empty values
/// dropped, sorted by key, joined as `key=value` with `&`, the operator's
/// secret appended, MD5 as lowercase hex. Values are the exact text sent,
/// before any form encoding.
package enum RequestHash {
    /// The text that is hashed, without the secret — safe to show in `show`.
    package static func canonicalString(_ fields: [(key: String, value: String)]) -> String {
        let hashed = fields
            .filter { $0.key != "hash" && !$0.value.isEmpty }
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        // Appended into one buffer: this runs for every win claimed and every request received.
        var text = ""
        text.reserveCapacity(hashed.reduce(hashed.count * 2) { $0 + $1.key.utf8.count + $1.value.utf8.count })
        for (position, field) in hashed.enumerated() {
            if position > 0 { text += "&" }
            text += field.key
            text += "="
            text += field.value
        }
        return text
    }

    package static func compute(_ fields: [(key: String, value: String)], secret: String) -> String {
        MD5.hex(canonicalString(fields) + secret)
    }
}

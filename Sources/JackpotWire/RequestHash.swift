/// The wallet API's request hash: every field sent except `hash`, empty values
/// dropped, sorted by key, joined as `key=value` with `&`, the operator's
/// secret appended, MD5 as lowercase hex. Values are the exact text sent,
/// before any form encoding. An operator's `HashRules` adjust which fields
/// and how (docs/operators.md, "Wallet dialects").
package enum RequestHash {
    /// The text that is hashed, without the secret — safe to show in `show`.
    package static func canonicalString(_ fields: [(key: String, value: String)]) -> String {
        join(hashedFields(fields, query: [], rules: HashRules()))
    }

    package static func compute(_ fields: [(key: String, value: String)], secret: String) -> String {
        MD5.hex(canonicalString(fields) + secret)
    }

    /// The `key=value` pairs that are hashed, in hashed order and with their
    /// hashed values. `query` (the URL's parameters) joins only under
    /// `includeQuery`, in addition to `rules.fields`: the wallets that hash it
    /// merge the query into their request parameters before hashing.
    package static func hashedFields(
        _ fields: [(key: String, value: String)], query: [WireField], rules: HashRules
    ) -> [WireField] {
        var selected: [WireField] = []
        if let names = rules.fields {
            for name in names {
                let value = fields.first { $0.key == name }?.value ?? ""
                if value.isEmpty && !rules.includeEmpty { continue }
                selected.append(WireField(name, value))
            }
        } else {
            for field in fields where field.key != "hash" && (rules.includeEmpty || !field.value.isEmpty) {
                selected.append(WireField(field.key, field.value))
            }
        }
        if rules.includeQuery {
            selected += query.filter { $0.key != "hash" && (rules.includeEmpty || !$0.value.isEmpty) }
        }
        // Byte order of the keys; equal keys keep their order, so the result never depends on the sort.
        // An insertion sort, stable and in place: a request has a dozen fields, and this runs for every one.
        for index in selected.indices.dropFirst() {
            let field = selected[index]
            var position = index
            while position > 0, precedes(field.key, selected[position - 1].key) {
                selected[position] = selected[position - 1]
                position -= 1
            }
            selected[position] = field
        }
        if rules.encodeValues {
            selected = selected.map { WireField($0.key, FormEncoding.encodeComponent($0.value)) }
        }
        return selected
    }

    /// Byte order of two keys, compared in place rather than through their `UTF8View`s.
    private static func precedes(_ left: String, _ right: String) -> Bool {
        var left = left
        var right = right
        return left.withUTF8 { leftBytes in right.withUTF8 { leftBytes.lexicographicallyPrecedes($0) } }
    }

    /// `key=value` joined with `&`. Appended into one buffer: this runs for every
    /// win claimed and every request received.
    package static func join(_ fields: [WireField]) -> String {
        String(decoding: joinedBytes(fields), as: UTF8.self)
    }

    /// `join` as UTF-8 bytes, room left for the secret: what the hash is taken of.
    package static func joinedBytes(_ fields: [WireField], reserving extra: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(fields.count * 2 + extra) { $0 + $1.key.utf8.count + $1.value.utf8.count })
        for (position, field) in fields.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: "&")) }
            bytes.appendUTF8(field.key)
            bytes.append(UInt8(ascii: "="))
            bytes.appendUTF8(field.value)
        }
        return bytes
    }

    /// The URL's query parameters, decoded as the wallet's framework decodes
    /// them (`+` as space, `%XX` as bytes). A parameter that does not decode
    /// is kept as written.
    package static func queryParameters(of url: String) -> [WireField] {
        guard let questionMark = url.firstIndex(of: "?") else { return [] }
        var query = url[url.index(after: questionMark)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = FormEncoding.decodeComponent(parts[0]) ?? String(parts[0])
            let value = parts.count == 2 ? FormEncoding.decodeComponent(parts[1]) ?? String(parts[1]) : ""
            return WireField(key, value)
        }
    }
}

import JackpotWire

extension FormEncoding {
    /// Reads a form body back into its fields, the way an operator would
    /// (`+` as space, `%XX` as a byte). `nil` when a percent escape is broken or
    /// the bytes are not UTF-8.
    package static func decode(_ body: String) -> [WireField]? {
        guard !body.isEmpty else { return [] }
        var fields: [WireField] = []
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decodeComponent(parts[0]),
                let value = parts.count == 2 ? decodeComponent(parts[1]) : ""
            else { return nil }
            fields.append(WireField(key, value))
        }
        return fields
    }
}

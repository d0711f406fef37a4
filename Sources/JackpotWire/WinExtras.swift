/// `jackpotDetails` and `extra`: the parts of a win beyond the wallet API's standard fields.
/// They arrive as JSON (enqueue lines, plain-SQL columns) and are kept as the
/// exact text that is sent, so every retry hashes the same bytes.
package enum WinExtras {
    package static let maxDetailsLength = 4096
    package static let maxExtraFields = 32
    package static let maxExtraValueLength = 512

    /// An object becomes its compact JSON text (numbers exactly as written, keys
    /// in the given order); a string is kept as given.
    package static func jackpotDetailsText(_ value: JSONValue) throws(WinValidationError) -> String {
        switch value {
        case .object: return JSONWriter.serialize(value)
        case .string(let text): return text
        default:
            throw WinValidationError(field: "jackpotDetails", reason: "must be a JSON object or a string, got \(value.kindName)")
        }
    }

    /// An object of string values, in the given order.
    package static func extra(_ value: JSONValue) throws(WinValidationError) -> [WireField] {
        guard case .object(let object) = value else {
            throw WinValidationError(field: "extra", reason: "must be an object of string values, got \(value.kindName)")
        }
        var fields: [WireField] = []
        for member in object.members {
            guard case .string(let text) = member.value else {
                throw WinValidationError(field: "extra.\(member.key)", reason: "must be a string, got \(member.value.kindName)")
            }
            fields.append(WireField(member.key, text))
        }
        return fields
    }

    /// The `extra` column's text back into fields (plain-SQL rows may hold anything).
    package static func extra(storedText: String) throws(WinValidationError) -> [WireField] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(storedText)
        } catch {
            throw WinValidationError(field: "extra", reason: "is not valid JSON: \(error)")
        }
        return try extra(value)
    }

    /// What the `extra` column stores: a compact JSON object, or nil for none.
    package static func storedText(_ extra: [WireField]) -> String? {
        guard !extra.isEmpty else { return nil }
        return JSONWriter.serialize(.object(JSONObject(extra.map { ($0.key, JSONValue.string($0.value)) })))
    }

    /// `[A-Za-z][A-Za-z0-9_]{0,63}`: safe as a form key, a JSON key and a PHP array key.
    package static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), isLetter(bytes[0]) else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "_") }
    }

    static func validate(jackpotDetails: String?, extra: [WireField]) throws(WinValidationError) {
        if let jackpotDetails {
            try JackpotWin.checkText(jackpotDetails, field: "jackpotDetails", limit: maxDetailsLength)
        }
        guard extra.count <= maxExtraFields else {
            throw WinValidationError(field: "extra", reason: "has more than \(maxExtraFields) fields")
        }
        var seen: Set<String> = []
        for field in extra {
            guard isValidName(field.key) else {
                throw WinValidationError(
                    field: "extra", reason: "has an invalid name \(JSONWriter.quoted(field.key)): use [A-Za-z][A-Za-z0-9_]{0,63}")
            }
            guard !WireRequest.reservedFields.contains(field.key) else {
                throw WinValidationError(field: "extra.\(field.key)", reason: "is a standard field; give it as a top-level field")
            }
            guard seen.insert(field.key).inserted else {
                throw WinValidationError(field: "extra.\(field.key)", reason: "is given twice")
            }
            if !field.value.isEmpty {
                try JackpotWin.checkText(field.value, field: "extra.\(field.key)", limit: maxExtraValueLength)
            }
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}

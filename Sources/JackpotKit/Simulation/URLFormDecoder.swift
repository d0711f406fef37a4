/// Decodes an `application/x-www-form-urlencoded` body the way an operator's
/// web framework would, so the scripted operator checks the hash over the same
/// values a real wallet sees (after percent- and `+`-decoding).
enum URLFormDecoder {
    struct DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Fields in the order sent. Duplicate names are rejected, as the JSON parser
    /// rejects duplicate keys: which value would the hash have covered?
    static func decode(_ body: [UInt8]) throws(DecodingError) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = []
        var seen: Set<String> = []
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let key = try decodeComponent(parts[0])
            let value = parts.count > 1 ? try decodeComponent(parts[1]) : ""
            guard seen.insert(key).inserted else {
                throw DecodingError(message: "duplicate field \"\(key)\"")
            }
            fields.append((key, value))
        }
        return fields
    }

    private static func decodeComponent(_ bytes: ArraySlice<UInt8>) throws(DecodingError) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                decoded.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.endIndex,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { throw DecodingError(message: "invalid percent escape") }
                decoded.append(high << 4 | low)
                index += 3
            default:
                decoded.append(byte)
                index += 1
            }
        }
        guard let text = String(validating: decoded, as: UTF8.self) else {
            throw DecodingError(message: "field is not UTF-8 after percent-decoding")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

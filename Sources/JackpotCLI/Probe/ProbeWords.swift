import JackpotWire

/// The words of a refusal, lowercased, with the few readings the search needs:
/// which family of words it uses, and which field it names.
struct ProbeWords {
    let original: String
    let lowered: String

    init(_ text: String) {
        original = text
        lowered = text.lowercased()
    }

    static let hashWords = ["hash", "signature", "checksum", "md5", "digest", "hmac"]
    /// The body was not read as sent.
    static let unreadWords = [
        "malformed", "json", "parse", "syntax", "content-type", "content type", "media type", "unreadable", "empty body",
        "no body", "request body",
    ]
    static let missingWords = [
        "missing", "required", "is empty", "not provided", "must be present", "absent", "not present", "not set",
    ]
    static let unknownWords = [
        "not found", "unknown", "does not exist", "doesn't exist", "not exist", "no such", "not registered", "invalid",
    ]
    static let playerWords = ["player", "user", "customer", "account", "member", "client"]

    func has(any words: [String]) -> Bool { words.contains { lowered.contains($0) } }

    /// The hash, signature or checksum is named ("Wrong sign" too, but not "design").
    var namesTheHash: Bool {
        has(any: Self.hashWords) || Self.identifiers(in: lowered).contains { $0.text == "sign" }
    }

    /// "Player not found", "Unknown user", "Account does not exist" — unless a
    /// field is said to be missing ("The user id field is required").
    var saysUnknownPlayer: Bool {
        has(any: Self.playerWords) && has(any: Self.unknownWords) && !has(any: Self.missingWords)
            && !has(any: ["field", "parameter"])
    }

    /// A field the refusal names: an identifier after "field", "parameter" or a
    /// colon, or in quotes, or any word (or two, as Laravel spells `user_id`
    /// "user id") that is a contract field's name in another spelling.
    func namedField() -> NamedField? {
        let words = Self.identifiers(in: original)
        for (index, word) in words.enumerated() {
            if Self.standardField(matching: Self.normalized(word.text)) != nil {
                return NamedField(spelled: word.text, spellings: [word.text])
            }
            if index + 1 < words.count, words[index + 1].start == word.end + 1 {
                let pair = word.text + words[index + 1].text
                if Self.standardField(matching: Self.normalized(pair)) != nil {
                    let snake = (word.text + "_" + words[index + 1].text).lowercased()
                    return NamedField(spelled: snake, spellings: [snake, pair.lowercased()])
                }
            }
        }
        // A name that is not a contract field counts only where the refusal speaks of parameters
        // ("Bad parameters: brand"), not of values ("Error: timeout").
        guard has(any: ["parameter", "field", "param", "argument", "missing", "required"]) else { return nil }
        for (index, word) in words.enumerated() {
            let before = index > 0 ? words[index - 1].text.lowercased() : ""
            let precededBy =
                original.utf8.count > 0 && word.start > 0
                ? Array(original.utf8)[word.start - 1] : 0
            let after = index + 1 < words.count ? words[index + 1].text.lowercased() : ""
            let introduced =
                ["field", "parameter", "parameters", "param", "params", "key", "argument"].contains(before)
                || ["field", "parameter", "param"].contains(after)
                || precededBy == UInt8(ascii: "'") || precededBy == UInt8(ascii: "\"") || precededBy == UInt8(ascii: "`")
                || original.utf8.prefix(word.start).reversed().drop { $0 == UInt8(ascii: " ") }.first == UInt8(ascii: ":")
            if introduced, !Self.commonWords.contains(word.text.lowercased()) {
                return NamedField(spelled: word.text, spellings: [word.text])
            }
        }
        return nil
    }

    /// Words that follow "parameter" or a colon without being a parameter's name.
    static let commonWords: Set<String> = [
        "is", "are", "was", "the", "a", "an", "not", "missing", "required", "invalid", "wrong", "bad", "value", "values",
        "error", "errors", "format", "must", "should", "request", "body", "empty", "for", "of", "in", "with", "no",
    ]

    /// The contract field whose name, lowercased without `_` or `-`, is `normalized`.
    static func standardField(matching normalized: String) -> String? {
        if let standard = WireRequest.standardFields.first(where: { Self.normalized($0) == normalized }) { return standard }
        return ["playerid": "userId", "player": "userId", "roundid": "roundId", "provider": "providerId"][normalized]
    }

    static func normalized(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" })
    }

    struct Word {
        let text: String
        /// UTF-8 offsets in the original text.
        let start: Int
        let end: Int
    }

    /// Runs of `[A-Za-z0-9_]` starting with a letter or `_`.
    static func identifiers(in text: String) -> [Word] {
        var words: [Word] = []
        var current: [UInt8] = []
        var start = 0
        let bytes = Array(text.utf8)
        func flush(at end: Int) {
            if let first = current.first, first >= UInt8(ascii: "A") || first == UInt8(ascii: "_") {
                words.append(Word(text: String(decoding: current, as: UTF8.self), start: start, end: end))
            }
            current.removeAll()
        }
        for (offset, byte) in bytes.enumerated() {
            let isWordByte =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_")
            if isWordByte {
                if current.isEmpty { start = offset }
                current.append(byte)
            } else {
                flush(at: offset)
            }
        }
        flush(at: bytes.count)
        return words
    }
}

/// A field a refusal names, as it spelled it.
struct NamedField {
    /// As written (`user_id` for Laravel's "user id").
    let spelled: String
    /// The wire names worth trying, most likely first.
    let spellings: [String]

    var normalized: String { ProbeWords.normalized(spelled) }
}

import JackpotWire
/// Walks the parsed config and records problems with their key paths instead of
/// stopping at the first one, so `jackpotd check` can list everything at once.
///
/// Every accessor returns `nil` both when the key is absent and when it is
/// invalid (the problem is then recorded); callers keep their default in either
/// case and the loader refuses the file if any problem was recorded.
struct ConfigReader {
    private(set) var problems: [ConfigProblem] = []
    private(set) var warnings: [String] = []
    /// Whether secrets are read, and what became of those that could not be.
    var secretLoading = SecretLoading.required
    private(set) var unavailableSecrets: [String: String] = [:]

    mutating func problem(_ keyPath: String, _ message: String) {
        problems.append(ConfigProblem(keyPath: keyPath, message: message))
    }

    /// A secret that cannot be read: a problem when secrets are required, else
    /// noted for the operator, whose secret is then empty ("" returned).
    mutating func unreadableSecret(operator name: String, _ keyPath: String, _ message: String) -> String? {
        guard secretLoading == .required else {
            unavailableSecrets[name] = ConfigProblem(keyPath: keyPath, message: message).description
            return ""
        }
        problem(keyPath, message)
        return nil
    }

    mutating func warning(_ keyPath: String, _ message: String) {
        warnings.append(ConfigProblem(keyPath: keyPath, message: message).description)
    }

    // MARK: Key paths

    /// `parent.key`, bracketing keys that would make the path ambiguous (operator
    /// names may contain dots) or unreadable.
    static func path(_ parent: String, _ key: String) -> String {
        let plain =
            !key.isEmpty
            && key.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
            }
        if !plain { return "\(parent)[\(JSONWriter.quoted(key))]" }
        return parent.isEmpty ? key : "\(parent).\(key)"
    }

    // MARK: Shape

    /// Records every key of `object` that is not in `known`, with a did-you-mean
    /// hint, because a misspelt optional key would otherwise silently fall back
    /// to its default.
    mutating func rejectUnknownKeys(in object: JSONObject, at parent: String, known: [String]) {
        for key in object.keys where !known.contains(key) {
            if let suggestion = Suggestion.closest(to: key, among: known) {
                problem(Self.path(parent, key), "unknown key; did you mean \(JSONWriter.quoted(suggestion))?")
            } else {
                problem(Self.path(parent, key), "unknown key; known keys here are \(known.joined(separator: ", "))")
            }
        }
    }

    mutating func object(_ value: JSONValue, at keyPath: String) -> JSONObject? {
        guard case .object(let object) = value else {
            problem(keyPath, "must be an object, got \(Self.describe(value))")
            return nil
        }
        return object
    }

    // MARK: Scalars

    /// A string member. `revealing: false` keeps the found value out of the
    /// message, for keys whose value is a secret.
    mutating func string(
        in object: JSONObject, _ key: String, at parent: String,
        allowEmpty: Bool = false, revealing: Bool = true
    ) -> String? {
        guard let value = object[key] else { return nil }
        let keyPath = Self.path(parent, key)
        guard case .string(let text) = value else {
            problem(keyPath, "must be a string, got \(revealing ? Self.describe(value) : value.kindName)")
            return nil
        }
        guard allowEmpty || !text.isEmpty else {
            problem(keyPath, "must not be empty")
            return nil
        }
        return text
    }

    mutating func bool(in object: JSONObject, _ key: String, at parent: String) -> Bool? {
        guard let value = object[key] else { return nil }
        guard case .bool(let flag) = value else {
            problem(Self.path(parent, key), "must be true or false, got \(Self.describe(value))")
            return nil
        }
        return flag
    }

    /// A number member, converted to `Double`: fine for durations and factors,
    /// never used for money. `mustBe` states the whole rule so that a wrong type
    /// and a wrong value produce the same helpful message.
    mutating func number(
        in object: JSONObject, _ key: String, at parent: String,
        mustBe expectation: String, where isValid: (Double) -> Bool
    ) -> Double? {
        guard let value = object[key] else { return nil }
        guard case .number(let text) = value, let number = Double(text), number.isFinite, isValid(number) else {
            problem(Self.path(parent, key), "must be \(expectation), got \(Self.describe(value))")
            return nil
        }
        return number
    }

    /// A whole number in `range`. Only plain integer text is accepted (`4`, not
    /// `4.0` or `4e0`): a count written with a fraction is more likely a mistake
    /// than a style.
    mutating func integer(in object: JSONObject, _ key: String, at parent: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = object[key] else { return nil }
        guard let number = Self.integerValue(value), range.contains(number) else {
            problem(Self.path(parent, key), "must be \(Self.describeRange(range)), got \(Self.describe(value))")
            return nil
        }
        return number
    }

    static func integerValue(_ value: JSONValue) -> Int? {
        guard case .number(let text) = value else { return nil }
        return Int(text)  // rejects fractions, exponents and overflow
    }

    static func describeRange(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "a whole number ≥ \(range.lowerBound)" }
        return "a whole number from \(range.lowerBound) to \(range.upperBound)"
    }

    // MARK: Rendering

    /// The found value as it appeared in the file (strings quoted, long ones
    /// shortened); containers by their kind, since dumping them helps nobody.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text):
            let limit = 60
            return JSONWriter.quoted(text.count > limit ? String(text.prefix(limit)) + "…" : text)
        case .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// `2` rather than `2.0`, so limits in messages read like the file.
    static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
        return String(number)
    }
}

import JackpotWire

/// The per-operator wallet dialect keys (docs/operators.md, "Wallet dialects"). Each
/// is checked against the others, because a hash list naming a field the
/// operator is never sent is a hash failure on every single win.
extension ConfigLoader {
    static let dialectKeys = [
        "hash", "fieldNames", "extraFields", "providerId", "requireToken", "alreadyCreditedErrorCodes", "limits",
    ]
    static let hashKeys = ["fields", "includeEmpty", "includeQuery", "encodeValues"]
    static let limitKeys = ["referenceMaxLength", "amountMaxDecimals"]

    static func decodeDialect(
        _ object: JSONObject, at path: String, into config: inout OperatorConfig, reader: inout ConfigReader
    ) {
        var dialect = WireDialect()
        if let text = reader.string(in: object, "providerId", at: path) {
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                reader.problem(
                    ConfigReader.path(path, "providerId"), "must not contain control characters, got \(JSONWriter.quoted(text))")
            } else {
                dialect.providerId = text
            }
        }
        dialect.requireToken = reader.bool(in: object, "requireToken", at: path) ?? false
        if let value = object["fieldNames"] {
            dialect.fieldNames = decodeFieldNames(value, at: ConfigReader.path(path, "fieldNames"), reader: &reader)
        }
        if let value = object["extraFields"] {
            dialect.extraFields = decodeExtraFields(
                value, at: ConfigReader.path(path, "extraFields"), dialect: dialect, reader: &reader)
        }
        if let value = object["hash"] {
            dialect.hash = decodeHash(value, at: ConfigReader.path(path, "hash"), dialect: dialect, reader: &reader)
        }
        if let value = object["limits"] {
            dialect.limits = decodeLimits(
                value, at: ConfigReader.path(path, "limits"), amountDecimals: config.amountDecimals, reader: &reader)
        }
        if let value = object["alreadyCreditedErrorCodes"] {
            let keyPath = ConfigReader.path(path, "alreadyCreditedErrorCodes")
            let codes = decodeErrorCodes(value, at: keyPath, reader: &reader) ?? []
            if codes.contains(0) {
                reader.problem(keyPath, "must not contain 0, which already means success")
            }
            let both = codes.intersection(config.noRetryErrorCodes).sorted()
            if !both.isEmpty {
                let listed = both.map(String.init).joined(separator: ", ")
                reader.problem(
                    keyPath,
                    "\(listed) also in noRetryErrorCodes (the default is 120, 999); a code cannot mean both credited and refused")
            }
            config.alreadyCreditedErrorCodes = codes
        }
        config.dialect = dialect
    }

    /// Standard field → wire name. Wire names stay distinct: two fields under one
    /// name would leave the wallet reading one of them.
    private static func decodeFieldNames(_ value: JSONValue, at path: String, reader: inout ConfigReader) -> [String: String] {
        guard let object = reader.object(value, at: path) else { return [:] }
        reader.rejectUnknownKeys(in: object, at: path, known: WireRequest.standardFields)
        var names: [String: String] = [:]
        for (standard, member) in object.members where WireRequest.standardFields.contains(standard) {
            guard let wire = reader.string(in: object, standard, at: path) else { continue }
            let keyPath = ConfigReader.path(path, standard)
            if !WinExtras.isValidName(wire) {
                reader.problem(
                    keyPath, "must be a field name matching [A-Za-z][A-Za-z0-9_]{0,63}, got \(ConfigReader.describe(member))")
            } else if wire == "hash" {
                reader.problem(keyPath, "must not be \"hash\", which the hash itself is sent as")
            } else {
                names[standard] = wire
            }
        }
        var owners: [String: String] = [:]
        for standard in WireRequest.standardFields {
            let wire = names[standard] ?? standard
            if let other = owners[wire] {
                reader.problem(
                    ConfigReader.path(path, names[standard] != nil ? standard : other),
                    "sends \(standard) and \(other) both as \(JSONWriter.quoted(wire))")
            }
            owners[wire] = standard
        }
        return names
    }

    private static func decodeExtraFields(
        _ value: JSONValue, at path: String, dialect: WireDialect, reader: inout ConfigReader
    ) -> [WireField] {
        guard let object = reader.object(value, at: path) else { return [] }
        let taken = Set(WireRequest.standardFields.map(dialect.wireName) + WireRequest.standardFields + ["hash"])
        var fields: [WireField] = []
        for (name, _) in object.members {
            let keyPath = ConfigReader.path(path, name)
            guard let text = reader.string(in: object, name, at: path, allowEmpty: true) else { continue }
            if !WinExtras.isValidName(name) {
                reader.problem(keyPath, "invalid field name: use [A-Za-z][A-Za-z0-9_]{0,63}")
            } else if taken.contains(name) {
                reader.problem(keyPath, "clashes with a standard field sent to this operator; rename it (or use fieldNames)")
            } else if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                reader.problem(keyPath, "must not contain control characters")
            } else {
                fields.append(WireField(name, text))
            }
        }
        return fields
    }

    private static func decodeHash(_ value: JSONValue, at path: String, dialect: WireDialect, reader: inout ConfigReader)
        -> HashRules
    {
        var rules = HashRules()
        guard let object = reader.object(value, at: path) else { return rules }
        reader.rejectUnknownKeys(in: object, at: path, known: hashKeys)
        rules.includeEmpty = reader.bool(in: object, "includeEmpty", at: path) ?? false
        rules.includeQuery = reader.bool(in: object, "includeQuery", at: path) ?? false
        rules.encodeValues = reader.bool(in: object, "encodeValues", at: path) ?? false
        guard let list = object["fields"] else { return rules }
        let keyPath = ConfigReader.path(path, "fields")
        guard case .array(let elements) = list, !elements.isEmpty else {
            reader.problem(keyPath, "must be a non-empty array of the wire names hashed, got \(ConfigReader.describe(list))")
            return rules
        }
        let sent = WireRequest.standardFields.map(dialect.wireName) + dialect.extraFields.map(\.key)
        var names: [String] = []
        for (index, element) in elements.enumerated() {
            let elementPath = "\(keyPath)[\(index)]"
            guard case .string(let name) = element else {
                reader.problem(elementPath, "must be a field name (a string), got \(ConfigReader.describe(element))")
                continue
            }
            if names.contains(name) {
                reader.problem(elementPath, "lists \(JSONWriter.quoted(name)) twice")
            } else if sent.contains(name) {
                names.append(name)
            } else if let renamed = dialect.fieldNames[name] {
                // The issue's own example lists contract names beside fieldNames: hash what is sent.
                if names.contains(renamed) {
                    reader.problem(
                        elementPath,
                        "lists \(JSONWriter.quoted(renamed)) twice (as \(JSONWriter.quoted(name)), its name before fieldNames)")
                } else {
                    names.append(renamed)
                    reader.warning(
                        elementPath,
                        "\(JSONWriter.quoted(name)) is sent as \(JSONWriter.quoted(renamed)) (fieldNames), so \(JSONWriter.quoted(renamed)) is hashed"
                    )
                }
            } else if name == "hash" {
                reader.problem(elementPath, "the hash cannot hash itself")
            } else if let suggestion = Suggestion.closest(to: name, among: sent) {
                reader.problem(
                    elementPath, "unknown field \(JSONWriter.quoted(name)); did you mean \(JSONWriter.quoted(suggestion))?")
            } else if !WinExtras.isValidName(name) {
                reader.problem(
                    elementPath, "unknown field \(JSONWriter.quoted(name)); fields sent are \(sent.joined(separator: ", "))")
            } else {
                // Not sent by every win: a per-win `extra` name (such as sessionId).
                names.append(name)
            }
        }
        rules.fields = names
        return rules
    }

    private static func decodeLimits(_ value: JSONValue, at path: String, amountDecimals: Int?, reader: inout ConfigReader)
        -> WinLimits
    {
        var limits = WinLimits()
        guard let object = reader.object(value, at: path) else { return limits }
        reader.rejectUnknownKeys(in: object, at: path, known: limitKeys)
        limits.referenceMaxLength = reader.integer(
            in: object, "referenceMaxLength", at: path, in: 1...JackpotWin.Limits.identifier)
        limits.amountMaxDecimals = reader.integer(
            in: object, "amountMaxDecimals", at: path, in: 0...DecimalAmount.maxFractionDigits)
        if let maximum = limits.amountMaxDecimals, let decimals = amountDecimals, decimals > maximum {
            reader.problem(
                ConfigReader.path(path, "amountMaxDecimals"),
                "is \(maximum) but amountDecimals sends \(decimals) decimals; the wallet would refuse every win")
        }
        return limits
    }
}

import JackpotWire

/// The per-operator controls beside the wire contract: `rateLimit` (also a
/// global default), static `headers`, and a secret rotation's
/// `previousSecretFile` / `previousSecretEnv` with `previousSecretUntil` and
/// `badHashErrorCode`.
extension ConfigLoader {
    static let controlKeys = [
        "rateLimit", "headers", "previousSecretFile", "previousSecretEnv", "previousSecretUntil", "badHashErrorCode",
    ]
    static let rateLimitKeys = ["requestsPerSecond", "burst"]
    static let headerValueKeys = ["valueFile", "valueEnv"]

    /// `{"requestsPerSecond": R, "burst": B}`. An operator's `null` turns a global default off for it.
    static func decodeRateLimit(_ value: JSONValue, at path: String, reader: inout ConfigReader) -> RateLimit? {
        guard let object = reader.object(value, at: path) else { return nil }
        reader.rejectUnknownKeys(in: object, at: path, known: rateLimitKeys)
        guard object["requestsPerSecond"] != nil else {
            // A misspelt key is reported as such; its "missing" twin would only repeat it.
            if object.keys.allSatisfy(rateLimitKeys.contains) {
                reader.problem(ConfigReader.path(path, "requestsPerSecond"), "is required: the calls a second the wallet accepts")
            }
            return nil
        }
        let rate = reader.number(
            in: object, "requestsPerSecond", at: path, mustBe: "a number of calls a second from 0.001 to 1000000",
            where: { $0 >= 0.001 && $0 <= 1_000_000 })
        let burst = reader.integer(in: object, "burst", at: path, in: 1...100_000)
        guard let rate else { return nil }
        return RateLimit(requestsPerSecond: rate, burst: burst ?? RateLimit.defaultBurst)
    }

    static func decodeControls(
        _ object: JSONObject, of name: String, at path: String, baseDirectory: String, environment: [String: String],
        defaultRateLimit: RateLimit?, into config: inout OperatorConfig, reader: inout ConfigReader
    ) {
        switch object["rateLimit"] {
        case nil: config.rateLimit = defaultRateLimit
        case .null?: config.rateLimit = nil
        case let value?: config.rateLimit = decodeRateLimit(value, at: ConfigReader.path(path, "rateLimit"), reader: &reader)
        }
        if let value = object["headers"] {
            config.headers = decodeHeaders(
                value, of: name, at: ConfigReader.path(path, "headers"), baseDirectory: baseDirectory,
                environment: environment, reader: &reader)
        }
        if let code = reader.integer(in: object, "badHashErrorCode", at: path, in: Int.min...Int.max) {
            let keyPath = ConfigReader.path(path, "badHashErrorCode")
            if code == 0 {
                reader.problem(keyPath, "must not be 0, which means success")
            } else if config.alreadyCreditedErrorCodes.contains(code) {
                reader.problem(
                    keyPath, "\(code) is also in alreadyCreditedErrorCodes; a code cannot mean both credited and a wrong hash")
            }
            config.badHashErrorCode = code
        }
        config.previousSecret = decodePreviousSecret(
            object, of: name, at: path, baseDirectory: baseDirectory, environment: environment, current: config.secret,
            reader: &reader)
    }

    /// Header name → a value, or `{"valueFile": …}` / `{"valueEnv": …}` for a
    /// secret one. Names are RFC 7230 tokens, once each (case-insensitively),
    /// and none that libcurl or jackpotd writes itself.
    private static func decodeHeaders(
        _ value: JSONValue, of name: String, at path: String, baseDirectory: String, environment: [String: String],
        reader: inout ConfigReader
    ) -> [StaticHeader] {
        guard let object = reader.object(value, at: path) else { return [] }
        var headers: [StaticHeader] = []
        var seen: Set<String> = []
        for (headerName, member) in object.members {
            let keyPath = ConfigReader.path(path, headerName)
            let lowercased = headerName.lowercased()
            if !StaticHeader.isValidName(headerName) {
                reader.problem(keyPath, "invalid header name: use letters, digits and !#$%&'*+-.^_`|~ (an RFC 7230 token)")
                continue
            }
            if StaticHeader.reservedNames.contains(lowercased) {
                reader.problem(keyPath, "\(headerName) is set by jackpotd or libcurl for every call and cannot be configured")
                continue
            }
            if !seen.insert(lowercased).inserted {
                reader.problem(keyPath, "header \(headerName) is configured twice (names are case-insensitive)")
                continue
            }
            let header: StaticHeader?
            switch member {
            case .string(let text):
                header = StaticHeader(headerName, text)
            case .object(let source):
                header = decodeSecretHeader(
                    headerName, source, of: name, at: keyPath, baseDirectory: baseDirectory, environment: environment,
                    reader: &reader)
            default:
                reader.problem(
                    keyPath,
                    "must be the header's value (a string), or {\"valueFile\": PATH} or {\"valueEnv\": NAME} for a secret one, got \(ConfigReader.describe(member))"
                )
                header = nil
            }
            guard let header else { continue }
            // Empty: secrets not read (`.skipped`, or unreadable under `.ifReadable`).
            if !(header.isSecret && header.value.isEmpty) && !StaticHeader.isValidValue(header.value) {
                let shown = header.isSecret ? "" : ", got \(JSONWriter.quoted(header.value))"
                reader.problem(
                    keyPath, "the value must be printable ASCII without line breaks or surrounding spaces, not empty\(shown)")
                continue
            }
            headers.append(header)
        }
        return headers
    }

    private static func decodeSecretHeader(
        _ headerName: String, _ source: JSONObject, of name: String, at keyPath: String, baseDirectory: String,
        environment: [String: String], reader: inout ConfigReader
    ) -> StaticHeader? {
        reader.rejectUnknownKeys(in: source, at: keyPath, known: headerValueKeys)
        let given = headerValueKeys.filter { source[$0] != nil }
        guard given.count == 1 else {
            reader.problem(keyPath, "set exactly one of \"valueFile\" and \"valueEnv\"")
            return nil
        }
        let value: String?
        if let file = reader.string(in: source, "valueFile", at: keyPath) {
            value = readSecretFile(
                file, of: name, at: ConfigReader.path(keyPath, "valueFile"), baseDirectory: baseDirectory, reader: &reader)
        } else if let variable = reader.string(in: source, "valueEnv", at: keyPath) {
            value = readSecretEnv(
                variable, of: name, at: ConfigReader.path(keyPath, "valueEnv"), environment: environment, reader: &reader)
        } else {
            value = nil
        }
        return value.map { StaticHeader(headerName, $0, isSecret: true) }
    }

    /// `previousSecretFile` or `previousSecretEnv` (one of them), always with
    /// `previousSecretUntil`: a rotation has an end, or the old secret stays valid forever.
    private static func decodePreviousSecret(
        _ object: JSONObject, of name: String, at path: String, baseDirectory: String, environment: [String: String],
        current: String, reader: inout ConfigReader
    ) -> PreviousSecret? {
        let sources = ["previousSecretFile", "previousSecretEnv"].filter { object[$0] != nil }
        let untilPath = ConfigReader.path(path, "previousSecretUntil")
        guard !sources.isEmpty else {
            if object["previousSecretUntil"] != nil {
                reader.problem(untilPath, "goes with previousSecretFile or previousSecretEnv, and neither is set")
            }
            return nil
        }
        guard sources.count == 1, let source = sources.first else {
            reader.problem(path, "has \"previousSecretFile\" and \"previousSecretEnv\"; set exactly one previous secret source")
            return nil
        }
        var until: Int64?
        if object["previousSecretUntil"] == nil {
            reader.problem(
                untilPath,
                "is required with \(source): the UTC time after which the previous secret is no longer tried, e.g. \"2026-12-31T12:00Z\""
            )
        } else if let text = reader.string(in: object, "previousSecretUntil", at: path) {
            until = UTCTime(parsing: text, .config)?.epochMilliseconds
            if until == nil {
                reader.problem(
                    untilPath,
                    "must be a UTC time such as \"2026-12-31\" or \"2026-12-31T12:00:00Z\", got \(JSONWriter.quoted(text))")
            }
        }
        let keyPath = ConfigReader.path(path, source)
        let secret: String?
        if source == "previousSecretFile", let file = reader.string(in: object, source, at: path) {
            secret = readSecretFile(file, of: name, at: keyPath, baseDirectory: baseDirectory, reader: &reader)
        } else if source == "previousSecretEnv", let variable = reader.string(in: object, source, at: path) {
            secret = readSecretEnv(variable, of: name, at: keyPath, environment: environment, reader: &reader)
        } else {
            secret = nil
        }
        guard let secret, let until else { return nil }
        if !secret.isEmpty && secret == current {
            reader.warning(keyPath, "is the same as the current secret; a rotation needs the new secret in secretFile/secretEnv")
        }
        if until <= WallClock.nowMilliseconds() {
            reader.warning(
                untilPath, "has passed: the previous secret is no longer tried; remove \(source) and previousSecretUntil")
        }
        return PreviousSecret(secret: secret, untilMs: until)
    }

    /// `  rate 20/s burst 5  headers X-Api-Key(secret)  previous secret until …` for `check`'s summary line.
    static func controlsSummary(_ operatorConfig: OperatorConfig) -> String {
        var parts: [String] = []
        if let limit = operatorConfig.rateLimit {
            parts.append("rate \(ConfigReader.format(limit.requestsPerSecond))/s burst \(limit.burst)")
        }
        if !operatorConfig.headers.isEmpty {
            parts.append(
                "headers " + operatorConfig.headers.map { $0.isSecret ? $0.name + "(secret)" : $0.name }.joined(separator: ","))
        }
        if let previous = operatorConfig.previousSecret {
            parts.append("previous secret until \(UTCTime(epochMilliseconds: previous.untilMs).text(.seconds))")
        }
        return parts.map { "  " + $0 }.joined()
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import JackpotStore
import JackpotWire

/// A config that passed validation, with the non-fatal remarks about it.
package struct LoadedConfig: Sendable {
    package var config: JackpotConfig
    /// Things that work but should be fixed, e.g.
    /// `operators.casino-a.secret: inline secret in the config file; prefer secretFile or secretEnv`.
    package var warnings: [String]
    /// Where the config came from; absolute when loaded with `ConfigLoader.load`,
    /// so a `SIGHUP` reload finds the same file whatever the working directory.
    package var sourcePath: String
    /// Operators whose secret could not be read (loaded with `.ifReadable`), with
    /// the reason as `check` would print it; their `secret` is empty.
    package var unavailableSecrets: [String: String] = [:]

    package init(config: JackpotConfig, warnings: [String] = [], sourcePath: String) {
        self.config = config
        self.warnings = warnings
        self.sourcePath = sourcePath
    }
}

/// Turns the JSON config file into a `JackpotConfig`, or into a `ConfigError`
/// listing every problem with its key path.
///
/// It reads through `JSONValue` rather than `Codable` because `Codable` stops at
/// the first error and cannot report unknown keys, which is how typos in
/// optional keys (silently ignored, default used) get into production.
package enum ConfigLoader {
    static let topLevelKeys = [
        "database", "providerId", "operators", "concurrency", "shutdownGraceSeconds", "busyTimeoutSeconds", "checkpoints",
        "rateLimit", "ingest", "transport",
    ]
    static let transportKeys = ["maxConnections", "idleConnectionSeconds"]
    static let operatorKeys =
        [
            "url", "secretFile", "secretEnv", "secret", "encoding", "timeoutSeconds", "concurrency",
            "retry", "circuit", "noRetryErrorCodes", "amountDecimals", "allowInsecureHTTP", "tls", "proxy",
            "duplicateWindowHours",
        ] + dialectKeys + controlKeys
    static let retryKeys = [
        "initialDelaySeconds", "multiplier", "maxDelaySeconds", "jitter", "maxAgeHours", "maxRetryAfterSeconds",
    ]
    static let circuitKeys = ["failureThreshold", "openSeconds", "maxOpenSeconds"]
    static let secretKeys = ["secretFile", "secretEnv", "secret"]

    /// Reads and validates the file at `path`; relative `secretFile` and
    /// `database` paths are resolved against the file's own directory, so the
    /// config means the same thing whatever directory the daemon starts in.
    package static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        secrets: SecretLoading = .required
    ) throws(ConfigError) -> LoadedConfig {
        let absolute = absolutePath(path)
        let bytes = try readConfigFile(path: path, absolute: absolute)
        var loaded = try parse(
            bytes, path: path, baseDirectory: directory(of: absolute), environment: environment, secrets: secrets)
        loaded.sourcePath = absolute
        return loaded
    }

    /// The config file's bytes; `absolute` is `path` made absolute.
    static func readConfigFile(path: String, absolute: String) throws(ConfigError) -> [UInt8] {
        switch readFile(atPath: absolute) {
        case .success(let file): return file.bytes
        case .failure(let failure):
            throw ConfigError(
                path: path,
                problems: [
                    ConfigProblem(keyPath: "", message: "cannot read the config file \(path): \(failure.reason)")
                ])
        }
    }

    static func parseJSON(_ bytes: [UInt8], path: String) throws(ConfigError) -> JSONValue {
        do throws(JSONParseError) {
            return try JSONValue.parse(bytes)
        } catch {
            throw ConfigError(
                path: path,
                problems: [
                    ConfigProblem(keyPath: "", message: "invalid JSON: \(error.message) at byte \(error.offset)")
                ])
        }
    }

    /// `baseDirectory` resolves relative `secretFile` and `database` paths (the config file's directory).
    package static func parse(
        _ bytes: [UInt8], path: String, baseDirectory: String, environment: [String: String],
        secrets: SecretLoading = .required
    ) throws(ConfigError) -> LoadedConfig {
        let document = try parseJSON(bytes, path: path)
        var reader = ConfigReader()
        reader.secretLoading = secrets
        let config = decodeDocument(document, baseDirectory: baseDirectory, environment: environment, reader: &reader)
        guard reader.problems.isEmpty, let config else {
            throw ConfigError(path: path, problems: reader.problems)
        }
        var loaded = LoadedConfig(config: config, warnings: reader.warnings, sourcePath: path)
        loaded.unavailableSecrets = reader.unavailableSecrets
        return loaded
    }

    // MARK: Document

    private static func decodeDocument(
        _ document: JSONValue, baseDirectory: String, environment: [String: String], reader: inout ConfigReader
    ) -> JackpotConfig? {
        guard case .object(let root) = document else {
            reader.problem("", "the config must be a JSON object, got \(ConfigReader.describe(document))")
            return nil
        }
        reader.rejectUnknownKeys(in: root, at: "", known: topLevelKeys)

        var providerId: String?
        if root["providerId"] == nil {
            reader.problem("providerId", "is required (it is sent as providerId in every call)")
        } else if let text = reader.string(in: root, "providerId", at: "") {
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                reader.problem("providerId", "must not contain control characters, got \(JSONWriter.quoted(text))")
            } else {
                providerId = text
            }
        }

        let database = reader.string(in: root, "database", at: "").map { resolve($0, against: baseDirectory) }
        let concurrency = reader.integer(in: root, "concurrency", at: "", in: 1...1024)
        let grace = reader.number(
            in: root, "shutdownGraceSeconds", at: "", mustBe: "a number of seconds > 0 and ≤ 3600",
            where: { $0 > 0 && $0 <= 3600 })
        let busyTimeout = reader.number(
            in: root, "busyTimeoutSeconds", at: "", mustBe: "a number of seconds from 0.1 to 600",
            where: { $0 >= 0.1 && $0 <= 600 })
        var checkpoints: CheckpointOwner?
        if let text = reader.string(in: root, "checkpoints", at: "") {
            checkpoints = CheckpointOwner(rawValue: text)
            if checkpoints == nil {
                reader.problem(
                    "checkpoints",
                    "must be \"sqlite\" (SQLite checkpoints on its own, the default) or \"litestream\" (Litestream replicates "
                        + "the outbox and checkpoints it), got \(JSONWriter.quoted(text))")
            }
        }

        let rateLimit = root["rateLimit"].flatMap { decodeRateLimit($0, at: "rateLimit", reader: &reader) }

        let transport = root["transport"].map { decodeTransport($0, at: "transport", reader: &reader) } ?? TransportSettings()

        var operators: [String: OperatorConfig]?
        if let value = root["operators"] {
            operators = decodeOperators(
                value, baseDirectory: baseDirectory, environment: environment, defaultRateLimit: rateLimit, reader: &reader)
        } else {
            reader.problem("operators", "is required: an object of operators by name, at least one")
        }

        let ingest = root["ingest"].flatMap {
            decodeIngest(
                $0, operators: operators.map { Set($0.keys) }, baseDirectory: baseDirectory, environment: environment,
                reader: &reader)
        }

        guard let providerId, let operators else { return nil }
        var config = JackpotConfig(
            database: database, providerId: providerId, operators: operators,
            globalConcurrency: concurrency ?? JackpotConfig.defaultGlobalConcurrency,
            shutdownGraceSeconds: grace ?? JackpotConfig.defaultShutdownGraceSeconds,
            busyTimeoutSeconds: busyTimeout ?? JackpotConfig.defaultBusyTimeoutSeconds,
            checkpoints: checkpoints ?? .sqlite)
        config.ingest = ingest
        config.transport = transport
        return config
    }

    private static func decodeTransport(_ value: JSONValue, at path: String, reader: inout ConfigReader) -> TransportSettings {
        var transport = TransportSettings()
        guard let object = reader.object(value, at: path) else { return transport }
        reader.rejectUnknownKeys(in: object, at: path, known: transportKeys)
        transport.maxConnections = reader.integer(in: object, "maxConnections", at: path, in: 1...100_000)
        if let seconds = reader.number(
            in: object, "idleConnectionSeconds", at: path, mustBe: "a number of seconds from 1 to 3600",
            where: { $0 >= 1 && $0 <= 3600 })
        {
            transport.idleConnectionSeconds = seconds
        }
        return transport
    }

    private static func decodeOperators(
        _ value: JSONValue, baseDirectory: String, environment: [String: String], defaultRateLimit: RateLimit?,
        reader: inout ConfigReader
    ) -> [String: OperatorConfig]? {
        guard let object = reader.object(value, at: "operators") else { return nil }
        guard object.count > 0 else {
            reader.problem("operators", "must name at least one operator")
            return nil
        }
        var operators: [String: OperatorConfig] = [:]
        for (name, body) in object.members {
            let path = ConfigReader.path("operators", name)
            if !isValidOperatorName(name) {
                reader.problem(path, "invalid operator name: use 1 to 64 characters from A-Z a-z 0-9 . _ -, not starting with -")
            }
            // Decoded even under a bad name, so its other problems are reported in the same run.
            if let config = decodeOperator(
                name: name, body, at: path, baseDirectory: baseDirectory, environment: environment,
                defaultRateLimit: defaultRateLimit, reader: &reader)
            {
                operators[name] = config
            }
        }
        return operators
    }

    /// The name is stored in the outbox's `operator` column and typed on the
    /// command line, so it stays a plain, shell-safe token (a leading `-` would
    /// read as an option: `jackpotd pause -x`).
    static func isValidOperatorName(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        return (1...64).contains(scalars.count) && !name.hasPrefix("-")
            && scalars.allSatisfy { scalar in
                switch scalar {
                case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": true
                default: false
                }
            }
    }

    // MARK: Operator

    private static func decodeOperator(
        name: String, _ value: JSONValue, at path: String, baseDirectory: String, environment: [String: String],
        defaultRateLimit: RateLimit?, reader: inout ConfigReader
    ) -> OperatorConfig? {
        guard let object = reader.object(value, at: path) else { return nil }
        reader.rejectUnknownKeys(in: object, at: path, known: operatorKeys)

        let allowInsecureHTTP = reader.bool(in: object, "allowInsecureHTTP", at: path) ?? false
        let url = decodeURL(object, at: path, allowInsecureHTTP: allowInsecureHTTP, reader: &reader)
        let secret = decodeSecret(
            object, of: name, at: path, baseDirectory: baseDirectory, environment: environment, reader: &reader)

        var config = OperatorConfig(name: name, url: url ?? "", secret: secret ?? "")
        config.allowInsecureHTTP = allowInsecureHTTP
        if let text = reader.string(in: object, "encoding", at: path, allowEmpty: true) {
            if let encoding = BodyEncoding(rawValue: text) {
                config.encoding = encoding
            } else {
                let choices = BodyEncoding.allCases.map { JSONWriter.quoted($0.rawValue) }.joined(separator: " or ")
                reader.problem(ConfigReader.path(path, "encoding"), "must be \(choices), got \(JSONWriter.quoted(text))")
            }
        }
        if let timeout = reader.number(
            in: object, "timeoutSeconds", at: path, mustBe: "a number of seconds > 0 and ≤ 300",
            where: { $0 > 0 && $0 <= 300 })
        {
            config.timeoutSeconds = timeout
        }
        if let concurrency = reader.integer(in: object, "concurrency", at: path, in: 1...256) {
            config.concurrency = concurrency
        }
        if let retry = object["retry"] {
            config.retry = decodeRetry(retry, at: ConfigReader.path(path, "retry"), reader: &reader)
        }
        if let circuit = object["circuit"] {
            config.circuit = decodeCircuit(circuit, at: ConfigReader.path(path, "circuit"), reader: &reader)
        }
        if let codes = object["noRetryErrorCodes"] {
            config.noRetryErrorCodes =
                decodeErrorCodes(
                    codes, at: ConfigReader.path(path, "noRetryErrorCodes"), reader: &reader) ?? config.noRetryErrorCodes
        }
        config.amountDecimals = reader.integer(in: object, "amountDecimals", at: path, in: 0...8)
        if let hours = reader.number(
            in: object, "duplicateWindowHours", at: path, mustBe: "a number of hours > 0", where: { $0 > 0 })
        {
            config.duplicateWindowHours = hours
        }
        if let tls = object["tls"] {
            config.tls = decodeTLS(tls, at: ConfigReader.path(path, "tls"), baseDirectory: baseDirectory, reader: &reader)
        }
        config.proxy = decodeProxy(object, at: path, reader: &reader)
        decodeDialect(object, at: path, into: &config, reader: &reader)
        decodeControls(
            object, of: name, at: path, baseDirectory: baseDirectory, environment: environment,
            defaultRateLimit: defaultRateLimit, into: &config, reader: &reader)

        guard url != nil, secret != nil else { return nil }
        return config
    }

    private static func decodeURL(
        _ object: JSONObject, at path: String, allowInsecureHTTP: Bool, reader: inout ConfigReader
    ) -> String? {
        let keyPath = ConfigReader.path(path, "url")
        guard object["url"] != nil else {
            reader.problem(keyPath, "is required: the operator's https:// JackPotWin endpoint")
            return nil
        }
        guard let text = reader.string(in: object, "url", at: path) else { return nil }
        // Query values may be credentials (`?authToken=…`), so messages show the URL masked.
        // Masked only for a message: thousands of valid URLs need none.
        var shown: String { JSONWriter.quoted(URLMasking.masked(text)) }
        guard let components = URLComponents(string: text), URL(string: text) != nil,
            let scheme = components.scheme?.lowercased()
        else {
            reader.problem(keyPath, "must be an absolute https:// URL, got \(shown)")
            return nil
        }
        switch scheme {
        case "https":
            break
        case "http" where allowInsecureHTTP:
            break
        case "http":
            reader.problem(
                keyPath,
                "http:// is refused because calls and their hash would travel unencrypted; "
                    + "use https://, or set \"allowInsecureHTTP\": true for this operator (meant for loopback tests)")
            return nil
        default:
            reader.problem(keyPath, "must be an https:// URL, got scheme \(JSONWriter.quoted(scheme)) in \(shown)")
            return nil
        }
        guard let host = components.host, !host.isEmpty else {
            reader.problem(keyPath, "must name a host, got \(shown)")
            return nil
        }
        if scheme == "http", !["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) {
            reader.warning(keyPath, "plain http:// to \(host), which is not loopback; allowInsecureHTTP is meant for local tests")
        }
        return text
    }

    /// Exactly one source, so that nobody wonders which of two secrets is in use.
    private static func decodeSecret(
        _ object: JSONObject, of name: String, at path: String, baseDirectory: String, environment: [String: String],
        reader: inout ConfigReader
    ) -> String? {
        let sources = secretKeys.filter { object[$0] != nil }
        guard sources.count == 1, let source = sources.first else {
            if sources.isEmpty {
                reader.problem(path, "needs a secret: set one of \"secretFile\" (preferred), \"secretEnv\" or \"secret\"")
            } else {
                let listed = sources.map { JSONWriter.quoted($0) }.joined(separator: " and ")
                reader.problem(path, "has \(listed); set exactly one secret source")
            }
            return nil
        }
        let keyPath = ConfigReader.path(path, source)
        switch source {
        case "secretFile":
            guard let file = reader.string(in: object, "secretFile", at: path) else { return nil }
            return readSecretFile(file, of: name, at: keyPath, baseDirectory: baseDirectory, reader: &reader)
        case "secretEnv":
            guard let variable = reader.string(in: object, "secretEnv", at: path) else { return nil }
            return readSecretEnv(variable, of: name, at: keyPath, environment: environment, reader: &reader)
        default:
            guard let secret = reader.string(in: object, "secret", at: path, revealing: false) else { return nil }
            reader.warning(keyPath, "inline secret in the config file; prefer secretFile or secretEnv")
            return secret
        }
    }

    /// A secret from a file (`secretFile`, `previousSecretFile`, a header's
    /// `valueFile`): one final newline dropped, not empty, UTF-8. "" when
    /// secrets are skipped; nil (a problem recorded) when it cannot be read.
    static func readSecretFile(
        _ file: String, of name: String, at keyPath: String, baseDirectory: String, reader: inout ConfigReader
    ) -> String? {
        let resolved = resolve(file, against: baseDirectory)
        if reader.secretLoading == .skipped { return "" }
        let contents: FileContents
        switch readFile(atPath: resolved) {
        case .success(let file): contents = file
        case .failure(let failure):
            return reader.unreadableSecret(
                operator: name, keyPath, "cannot read the secret file \(resolved): \(failure.reason)")
        }
        if let warning = SecretFileMode.warning(path: resolved, permissions: contents.permissions) {
            reader.warning(keyPath, warning)
        }
        // Editors and `echo` add one final newline; it is not part of the secret.
        var bytes = contents.bytes[...]
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        guard !bytes.isEmpty else {
            return reader.unreadableSecret(operator: name, keyPath, "the secret file \(resolved) is empty")
        }
        guard let secret = String(validating: bytes, as: UTF8.self) else {
            return reader.unreadableSecret(operator: name, keyPath, "the secret file \(resolved) is not valid UTF-8 text")
        }
        if let warning = SecretWhitespace.warning(secret, source: "the secret file \(resolved)") {
            reader.warning(keyPath, warning)
        }
        return secret
    }

    /// A secret from the environment variable `variable`; as `readSecretFile`.
    static func readSecretEnv(
        _ variable: String, of name: String, at keyPath: String, environment: [String: String], reader: inout ConfigReader
    ) -> String? {
        if reader.secretLoading == .skipped { return "" }
        guard let secret = environment[variable] else {
            return reader.unreadableSecret(operator: name, keyPath, "environment variable \(variable) is not set")
        }
        guard !secret.isEmpty else {
            return reader.unreadableSecret(operator: name, keyPath, "environment variable \(variable) is empty")
        }
        if let warning = SecretWhitespace.warning(secret, source: "environment variable \(variable)") {
            reader.warning(keyPath, warning)
        }
        return secret
    }

    private static func decodeRetry(_ value: JSONValue, at path: String, reader: inout ConfigReader) -> RetrySettings {
        var retry = RetrySettings()
        guard let object = reader.object(value, at: path) else { return retry }
        reader.rejectUnknownKeys(in: object, at: path, known: retryKeys)

        let initial = reader.number(
            in: object, "initialDelaySeconds", at: path, mustBe: "a number of seconds > 0", where: { $0 > 0 })
        retry.initialDelaySeconds = initial ?? retry.initialDelaySeconds
        if let multiplier = reader.number(in: object, "multiplier", at: path, mustBe: "a number ≥ 1", where: { $0 >= 1 }) {
            retry.multiplier = multiplier
        }
        retry.maxDelaySeconds = decodeUpperBound(
            object, "maxDelaySeconds", default: retry.maxDelaySeconds,
            lowerKey: "initialDelaySeconds", lower: initial, lowerIsValid: object["initialDelaySeconds"] == nil || initial != nil,
            at: path, reader: &reader)
        if let jitter = reader.number(
            in: object, "jitter", at: path, mustBe: "a number from 0 to 1", where: { (0...1).contains($0) })
        {
            retry.jitter = jitter
        }
        if let hours = reader.number(in: object, "maxAgeHours", at: path, mustBe: "a number of hours > 0", where: { $0 > 0 }) {
            retry.maxAgeHours = hours
        }
        if let cap = reader.number(
            in: object, "maxRetryAfterSeconds", at: path, mustBe: "a number of seconds > 0", where: { $0 > 0 })
        {
            retry.maxRetryAfterSeconds = cap
        }
        return retry
    }

    private static func decodeCircuit(_ value: JSONValue, at path: String, reader: inout ConfigReader) -> CircuitSettings {
        var circuit = CircuitSettings()
        guard let object = reader.object(value, at: path) else { return circuit }
        reader.rejectUnknownKeys(in: object, at: path, known: circuitKeys)

        if let threshold = reader.integer(in: object, "failureThreshold", at: path, in: 1...Int.max) {
            circuit.failureThreshold = threshold
        }
        let open = reader.number(in: object, "openSeconds", at: path, mustBe: "a number of seconds > 0", where: { $0 > 0 })
        circuit.openSeconds = open ?? circuit.openSeconds
        circuit.maxOpenSeconds = decodeUpperBound(
            object, "maxOpenSeconds", default: circuit.maxOpenSeconds,
            lowerKey: "openSeconds", lower: open, lowerIsValid: object["openSeconds"] == nil || open != nil,
            at: path, reader: &reader)
        return circuit
    }

    /// A maximum that must not be below its minimum (`maxDelaySeconds` ≥
    /// `initialDelaySeconds`), checked against defaults too: an initial delay of
    /// 900 s with the default 600 s cap is as wrong as an explicit one.
    private static func decodeUpperBound(
        _ object: JSONObject, _ key: String, default defaultValue: Double,
        lowerKey: String, lower: Double?, lowerIsValid: Bool, at path: String, reader: inout ConfigReader
    ) -> Double {
        guard lowerIsValid else {
            // The minimum is already reported; judge the maximum on its own.
            return reader.number(in: object, key, at: path, mustBe: "a number of seconds > 0", where: { $0 > 0 }) ?? defaultValue
        }
        if object[key] == nil {
            if let lower, lower > defaultValue {
                reader.problem(
                    ConfigReader.path(path, lowerKey),
                    "must be ≤ \(key) (\(ConfigReader.format(defaultValue)), the default), got \(ConfigReader.format(lower))")
            }
            return defaultValue
        }
        let minimum = lower ?? 0
        let rule = lower.map { "a number of seconds ≥ \(lowerKey) (\(ConfigReader.format($0)))" } ?? "a number of seconds > 0"
        return reader.number(in: object, key, at: path, mustBe: rule, where: { $0 > 0 && $0 >= minimum }) ?? defaultValue
    }

    static func decodeErrorCodes(_ value: JSONValue, at path: String, reader: inout ConfigReader) -> Set<Int>? {
        guard case .array(let elements) = value else {
            reader.problem(path, "must be an array of whole-number error codes, got \(ConfigReader.describe(value))")
            return nil
        }
        var codes: Set<Int> = []
        for (index, element) in elements.enumerated() {
            if let code = ConfigReader.integerValue(element) {
                codes.insert(code)
            } else {
                reader.problem("\(path)[\(index)]", "must be a whole-number error code, got \(ConfigReader.describe(element))")
            }
        }
        return codes
    }
}

// MARK: - Summary

extension LoadedConfig {
    /// One line per operator, sorted by name, for `jackpotd check`: enough to see
    /// that the right endpoints are configured without printing any credential.
    package func summary() -> [String] {
        let names = config.operators.keys.sorted()
        let width = names.map(\.count).max() ?? 0
        return names.compactMap { name in
            guard let operatorConfig = config.operators[name] else { return nil }
            let paddedName = name + String(repeating: " ", count: width - name.count)
            return "\(paddedName)  \(operatorConfig.encoding.rawValue)  \(URLMasking.masked(operatorConfig.url))"
                + "  concurrency \(operatorConfig.concurrency)  timeout \(ConfigReader.format(operatorConfig.timeoutSeconds))s"
                + ConfigLoader.transportSummary(operatorConfig) + ConfigLoader.controlsSummary(operatorConfig)
        }
    }
}

// MARK: - Files

/// A small file's bytes and permission bits.
struct FileContents {
    var bytes: [UInt8]
    var permissions: UInt32
}

/// Why a file could not be read, in `strerror` words.
struct FileReadFailure: Error {
    var reason: String
}

/// Reads a whole regular file with plain POSIX calls, so failures come with the
/// system's reason ("Permission denied") and the permission bits come from the
/// same open file that was read.
func readFile(atPath path: String) -> Result<FileContents, FileReadFailure> {
    func failure() -> Result<FileContents, FileReadFailure> {
        .failure(FileReadFailure(reason: String(cString: strerror(errno))))
    }
    // O_NONBLOCK: a FIFO given by mistake must not hang `jackpotd check`.
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { return failure() }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return failure() }
    guard info.st_mode & S_IFMT == S_IFREG else {
        return .failure(FileReadFailure(reason: "not a regular file"))
    }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            return failure()
        }
        if count == 0 { break }
        bytes.append(contentsOf: buffer[..<count])
    }
    return .success(FileContents(bytes: bytes, permissions: UInt32(info.st_mode) & 0o777))
}

/// `path` made absolute against the working directory, without touching the disk.
func absolutePath(_ path: String) -> String {
    resolve(path, against: FileManager.default.currentDirectoryPath)
}

/// `path` itself when absolute, else `path` under `directory`.
func resolve(_ path: String, against directory: String) -> String {
    if path.hasPrefix("/") || directory.isEmpty { return path }
    return directory.hasSuffix("/") ? directory + path : directory + "/" + path
}

/// The directory part of an absolute path (`/` for a file at the root).
func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

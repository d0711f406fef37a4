import Foundation
#if canImport(Glibc)
import Glibc
#endif
import JackpotWire

/// The `ingest` object: the HTTP listener's address, tokens, TLS and limits,
/// checked with key paths like the rest of the file.
extension ConfigLoader {
    static let ingestKeys = ["listen", "tokens", "tls", "allowInsecureHTTP", "limits"]
    static let ingestTokenKeys = ["name", "tokenFile", "tokenEnv", "operators"]
    static let ingestTLSKeys = ["certificateFile", "keyFile", "clientCAFile"]
    static let ingestLimitKeys = ["maxBodyBytes", "maxLinesPerRequest", "maxConnections", "requestTimeoutSeconds"]
    /// Shorter tokens can be guessed; `openssl rand -hex 32` gives 64 characters.
    static let minimumTokenLength = 16

    static func decodeIngest(
        _ value: JSONValue, operators: Set<String>?, baseDirectory: String, environment: [String: String],
        reader: inout ConfigReader
    ) -> IngestConfig? {
        let path = "ingest"
        guard let object = reader.object(value, at: path) else { return nil }
        reader.rejectUnknownKeys(in: object, at: path, known: ingestKeys)

        var listen: IngestListenAddress?
        if object["listen"] == nil {
            reader.problem(
                "ingest.listen", "is required: an address such as \"127.0.0.1:8470\", \"[::1]:8470\" or a unix socket path")
        } else if let text = reader.string(in: object, "listen", at: path) {
            listen = parseListen(text)
            if listen == nil {
                reader.problem(
                    "ingest.listen",
                    "must be IPv4:port (\"127.0.0.1:8470\"), [IPv6]:port (\"[::1]:8470\") or an absolute unix socket path, got \(JSONWriter.quoted(text))"
                )
            }
        }
        let tokens = decodeIngestTokens(
            object["tokens"], operators: operators, baseDirectory: baseDirectory, environment: environment, reader: &reader)
        let tls = object["tls"].flatMap { decodeIngestTLS($0, baseDirectory: baseDirectory, reader: &reader) }
        let allowInsecureHTTP = reader.bool(in: object, "allowInsecureHTTP", at: path) ?? false
        if let listen, tls == nil, object["tls"] == nil, !listen.isLocal, !allowInsecureHTTP {
            reader.problem(
                "ingest.listen",
                "plain HTTP on \(listen), which is not loopback, is refused because tokens and wins would travel unencrypted; "
                    + "set ingest.tls, or \"allowInsecureHTTP\": true (e.g. behind a TLS-terminating proxy on a private network)")
        }
        var limits = IngestLimits()
        if let value = object["limits"], let limitsObject = reader.object(value, at: "ingest.limits") {
            let at = "ingest.limits"
            reader.rejectUnknownKeys(in: limitsObject, at: at, known: ingestLimitKeys)
            limits.maxBodyBytes =
                reader.integer(in: limitsObject, "maxBodyBytes", at: at, in: 1024...1_073_741_824) ?? limits.maxBodyBytes
            limits.maxLinesPerRequest =
                reader.integer(in: limitsObject, "maxLinesPerRequest", at: at, in: 1...1_000_000)
                ?? limits.maxLinesPerRequest
            limits.maxConnections =
                reader.integer(in: limitsObject, "maxConnections", at: at, in: 1...65_536) ?? limits.maxConnections
            limits.requestTimeoutSeconds =
                reader.integer(in: limitsObject, "requestTimeoutSeconds", at: at, in: 1...3600)
                ?? limits.requestTimeoutSeconds
        }
        guard let listen, let tokens else { return nil }
        var config = IngestConfig(listen: listen, tokens: tokens)
        config.tls = tls
        config.allowInsecureHTTP = allowInsecureHTTP
        config.limits = limits
        return config
    }

    /// Numeric addresses only: a host name would be resolved once, at start, to whatever DNS said then.
    package static func parseListen(_ text: String) -> IngestListenAddress? {
        if text.hasPrefix("/") { return text.utf8.count < 108 ? .unix(path: text) : nil }
        func port(_ digits: Substring) -> UInt16? {
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
            return UInt16(digits)
        }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = port(rest.dropFirst()) else { return nil }
            var address = in6_addr()
            guard inet_pton(AF_INET6, host, &address) == 1 else { return nil }
            return .inet6(host: host, port: port)
        }
        guard let colon = text.lastIndex(of: ":"), let port = port(text[text.index(after: colon)...]) else { return nil }
        let host = String(text[..<colon])
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else { return nil }
        return .inet(host: host, port: port)
    }

    private static func decodeIngestTokens(
        _ value: JSONValue?, operators: Set<String>?, baseDirectory: String, environment: [String: String],
        reader: inout ConfigReader
    ) -> [IngestToken]? {
        let path = "ingest.tokens"
        guard let value else {
            reader.problem(
                path, "is required: a list of {\"name\", \"tokenFile\" or \"tokenEnv\"} (every request needs a bearer token)")
            return nil
        }
        guard case .array(let elements) = value, !elements.isEmpty else {
            reader.problem(
                path,
                "must be a non-empty array of {\"name\", \"tokenFile\" or \"tokenEnv\", \"operators\"?}, got \(ConfigReader.describe(value))"
            )
            return nil
        }
        var tokens: [IngestToken] = []
        var names: Set<String> = []
        for (index, element) in elements.enumerated() {
            let at = "\(path)[\(index)]"
            guard let object = reader.object(element, at: at) else { continue }
            reader.rejectUnknownKeys(in: object, at: at, known: ingestTokenKeys)
            var name: String?
            if object["name"] == nil {
                reader.problem(ConfigReader.path(at, "name"), "is required: it names the token in logs and metrics")
            } else if let text = reader.string(in: object, "name", at: at) {
                if !isValidOperatorName(text) {
                    reader.problem(
                        ConfigReader.path(at, "name"),
                        "use 1 to 64 characters from A-Z a-z 0-9 . _ -, got \(JSONWriter.quoted(text))")
                } else if !names.insert(text).inserted {
                    reader.problem(
                        ConfigReader.path(at, "name"), "\(JSONWriter.quoted(text)) names another token too; names must be unique")
                } else {
                    name = text
                }
            }
            let token = decodeTokenSecret(object, at: at, baseDirectory: baseDirectory, environment: environment, reader: &reader)
            var scope: Set<String>?
            if let list = object["operators"] {
                let keyPath = ConfigReader.path(at, "operators")
                if case .array(let items) = list, !items.isEmpty {
                    var names: Set<String> = []
                    for (position, item) in items.enumerated() {
                        guard case .string(let operatorName) = item else {
                            reader.problem(
                                "\(keyPath)[\(position)]", "must be an operator name, got \(ConfigReader.describe(item))")
                            continue
                        }
                        if let operators, !operators.contains(operatorName) {
                            let hint =
                                Suggestion.closest(to: operatorName, among: operators.sorted()).map {
                                    " (did you mean \(JSONWriter.quoted($0))?)"
                                } ?? ""
                            reader.problem(
                                "\(keyPath)[\(position)]",
                                "\(JSONWriter.quoted(operatorName)) is not a configured operator\(hint)")
                        }
                        names.insert(operatorName)
                    }
                    scope = names
                } else {
                    reader.problem(
                        keyPath,
                        "must be a non-empty array of operator names (leave it out to allow every operator), got \(ConfigReader.describe(list))"
                    )
                }
            }
            if let name, let token { tokens.append(IngestToken(name: name, token: token, operators: scope)) }
        }
        return tokens.count == elements.count ? tokens : nil
    }

    /// Exactly one of `tokenFile` and `tokenEnv`. The value never appears in a message.
    private static func decodeTokenSecret(
        _ object: JSONObject, at path: String, baseDirectory: String, environment: [String: String], reader: inout ConfigReader
    ) -> String? {
        let sources = ["tokenFile", "tokenEnv"].filter { object[$0] != nil }
        guard sources.count == 1, let source = sources.first else {
            reader.problem(
                path,
                sources.isEmpty
                    ? "needs \"tokenFile\" (preferred) or \"tokenEnv\""
                    : "has both \"tokenFile\" and \"tokenEnv\"; set exactly one")
            return nil
        }
        let keyPath = ConfigReader.path(path, source)
        var token: String
        if source == "tokenFile" {
            guard let file = reader.string(in: object, "tokenFile", at: path) else { return nil }
            let resolved = resolve(file, against: baseDirectory)
            if reader.secretLoading == .skipped { return "" }
            let contents: FileContents
            switch readFile(atPath: resolved) {
            case .success(let file): contents = file
            case .failure(let failure):
                return ingestTokenUnreadable(
                    keyPath, "cannot read the token file \(resolved): \(failure.reason)", reader: &reader)
            }
            if let warning = SecretFileMode.warning(path: resolved, permissions: contents.permissions) {
                reader.warning(keyPath, warning)
            }
            guard let text = String(validating: contents.bytes, as: UTF8.self) else {
                return ingestTokenUnreadable(keyPath, "the token file \(resolved) is not valid UTF-8 text", reader: &reader)
            }
            token = text
        } else {
            guard let variable = reader.string(in: object, "tokenEnv", at: path) else { return nil }
            if reader.secretLoading == .skipped { return "" }
            guard let text = environment[variable] else {
                return ingestTokenUnreadable(keyPath, "environment variable \(variable) is not set", reader: &reader)
            }
            token = text
        }
        // Editors and `echo` add one final newline; it is not part of the token.
        while token.hasSuffix("\n") || token.hasSuffix("\r") { token.removeLast() }
        guard token.utf8.count >= minimumTokenLength else {
            return ingestTokenUnreadable(
                keyPath, "the token is shorter than \(minimumTokenLength) characters; make one with `openssl rand -hex 32`",
                reader: &reader)
        }
        guard token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return ingestTokenUnreadable(
                keyPath, "the token must be printable ASCII without spaces (it travels in an HTTP header)", reader: &reader)
        }
        return token
    }

    /// A problem when secrets are required (`run`, `check`); otherwise the token is left out.
    private static func ingestTokenUnreadable(_ keyPath: String, _ message: String, reader: inout ConfigReader) -> String? {
        if reader.secretLoading == .required { reader.problem(keyPath, message) }
        return reader.secretLoading == .required ? nil : ""
    }

    private static func decodeIngestTLS(_ value: JSONValue, baseDirectory: String, reader: inout ConfigReader) -> IngestTLSFiles?
    {
        let path = "ingest.tls"
        guard let object = reader.object(value, at: path) else { return nil }
        reader.rejectUnknownKeys(in: object, at: path, known: ingestTLSKeys)
        func file(_ key: String, what: String, required: Bool, isPrivate: Bool = false) -> String? {
            guard object[key] != nil else {
                if required { reader.problem(ConfigReader.path(path, key), "is required: the PEM file of \(what)") }
                return nil
            }
            return pemFile(
                in: object, key, at: path, what: what, isPrivate: isPrivate, baseDirectory: baseDirectory, reader: &reader)
        }
        let certificate = file("certificateFile", what: "the server certificate", required: true)
        let key = file("keyFile", what: "the server key", required: true, isPrivate: true)
        let clientCA = file("clientCAFile", what: "the client CA", required: false)
        guard let certificate, let key else { return nil }
        return IngestTLSFiles(certificateFile: certificate, keyFile: key, clientCAFile: clientCA)
    }
}

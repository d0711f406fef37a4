import Foundation
#if canImport(Glibc)
import Glibc
#endif
import JackpotWire

/// The per-operator transport keys: `tls` (client certificate and key for mutual
/// TLS, a private CA) and `proxy` (an egress proxy). Checked at load time, so
/// `jackpotd check` says what is wrong before the first call would fail.
extension ConfigLoader {
    static let tlsKeys = ["clientCertificateFile", "clientKeyFile", "caFile"]

    /// The PEM file named by `key` (relative to the config file), checked to be
    /// readable and to hold a PEM block; a private key readable by others is warned about.
    static func pemFile(
        in object: JSONObject, _ key: String, at path: String, what: String, isPrivate: Bool,
        baseDirectory: String, reader: inout ConfigReader
    ) -> String? {
        guard let text = reader.string(in: object, key, at: path) else { return nil }
        let resolved = resolve(text, against: baseDirectory)
        switch PEMFileCheck.check(resolved) {
        case .success(let permissions):
            if isPrivate, let warning = SecretFileMode.warning(path: resolved, permissions: permissions) {
                reader.warning(ConfigReader.path(path, key), warning)
            }
            return resolved
        case .failure(let failure):
            reader.problem(ConfigReader.path(path, key), "cannot use \(what) \(resolved): \(failure.reason)")
            return nil
        }
    }

    static func decodeTLS(
        _ value: JSONValue, at path: String, baseDirectory: String, reader: inout ConfigReader
    ) -> TLSSettings {
        var tls = TLSSettings()
        guard let object = reader.object(value, at: path) else { return tls }
        reader.rejectUnknownKeys(in: object, at: path, known: tlsKeys)
        func file(_ key: String, what: String, isPrivate: Bool = false) -> String? {
            pemFile(in: object, key, at: path, what: what, isPrivate: isPrivate, baseDirectory: baseDirectory, reader: &reader)
        }
        tls.clientCertificateFile = file("clientCertificateFile", what: "the client certificate")
        tls.clientKeyFile = file("clientKeyFile", what: "the client key", isPrivate: true)
        tls.caFile = file("caFile", what: "the CA file")
        // One without the other cannot authenticate; say which one is missing.
        switch (object["clientCertificateFile"] != nil, object["clientKeyFile"] != nil) {
        case (true, false):
            reader.problem(
                ConfigReader.path(path, "clientKeyFile"), "is required with clientCertificateFile (mutual TLS needs both)")
        case (false, true):
            reader.problem(
                ConfigReader.path(path, "clientCertificateFile"), "is required with clientKeyFile (mutual TLS needs both)")
        default:
            break
        }
        return tls
    }

    static func decodeProxy(_ object: JSONObject, at path: String, reader: inout ConfigReader) -> String? {
        guard let text = reader.string(in: object, "proxy", at: path) else { return nil }
        let keyPath = ConfigReader.path(path, "proxy")
        // A proxy URL may carry credentials: messages show it masked.
        let shown = JSONWriter.quoted(URLMasking.masked(text))
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            reader.problem(keyPath, "must be an absolute http:// or https:// proxy URL, got \(shown)")
            return nil
        }
        guard scheme == "http" || scheme == "https" else {
            reader.problem(
                keyPath, "must be an http:// or https:// proxy URL, got scheme \(JSONWriter.quoted(scheme)) in \(shown)")
            return nil
        }
        guard let host = components.host, !host.isEmpty else {
            reader.problem(keyPath, "must name a host, got \(shown)")
            return nil
        }
        guard components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil else {
            reader.problem(keyPath, "must be scheme://[user:password@]host[:port] without a path or query, got \(shown)")
            return nil
        }
        return text
    }

    /// `  proxy URL  mTLS  ca FILE` for `check`'s summary line; empty when the operator has none.
    static func transportSummary(_ operatorConfig: OperatorConfig) -> String {
        var parts: [String] = []
        if let proxy = operatorConfig.proxy { parts.append("proxy \(URLMasking.masked(proxy))") }
        if operatorConfig.tls.clientCertificateFile != nil { parts.append("mTLS") }
        if let caFile = operatorConfig.tls.caFile { parts.append("ca \(caFile)") }
        return parts.map { "  " + $0 }.joined()
    }
}

/// Whether a file the transport will hand to libcurl is there, readable, and PEM.
enum PEMFileCheck {
    struct Failure: Error {
        let reason: String
    }

    static let maximumBytes = 1024 * 1024

    /// The file's permission bits when it is a readable regular file holding a PEM block.
    static func check(_ path: String) -> Result<UInt32, Failure> {
        func failure() -> Result<UInt32, Failure> { .failure(Failure(reason: String(cString: strerror(errno)))) }
        // O_NONBLOCK: a FIFO given by mistake must not hang `jackpotd check`.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return failure() }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return failure() }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(Failure(reason: "not a regular file")) }
        guard info.st_size <= maximumBytes else { return .failure(Failure(reason: "larger than 1 MiB, not a PEM file")) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { return failure() }
            if count == 0 { break }
            filled += count
        }
        guard bytes[..<filled].firstRange(of: Array("-----BEGIN ".utf8)) != nil else {
            return .failure(Failure(reason: "no PEM block (-----BEGIN …) in it"))
        }
        return .success(UInt32(info.st_mode) & 0o777)
    }
}

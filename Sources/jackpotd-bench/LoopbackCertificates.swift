import Foundation

/// A private CA and one server certificate for every loopback address the
/// bench's TLS wallets listen on, made with `openssl` at the start of a
/// measurement: the daemon verifies them exactly as it verifies a real wallet
/// (`tls.caFile`), nothing relaxed.
struct LoopbackCertificates {
    /// What the daemon and the bare loop trust (`tls.caFile`): the system's CA bundle
    /// plus the private CA, so building and holding the trust store costs what it
    /// costs for a wallet with a public certificate (verified against the system store).
    let caFile: String
    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
    let certificateFile: String
    let keyFile: String

    /// RSA 2048, as most wallets present; the addresses are the certificate's IP subject names.
    init(addresses: [String], in directory: String) throws {
        caFile = directory + "/trust.pem"
        let privateCA = directory + "/ca.pem"
        certificateFile = directory + "/server.pem"
        keyFile = directory + "/server.key"
        let caKey = directory + "/ca.key"
        let request = directory + "/server.csr"
        let extensions = directory + "/server.ext"
        let names = addresses.map { "IP:\($0)" }.joined(separator: ",")
        try Data("subjectAltName=\(names)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n".utf8)
            .write(to: URL(fileURLWithPath: extensions))
        try Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", privateCA,
            "-days", "2", "-subj", "/CN=jackpotd-bench CA",
        ])
        try Self.openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", request,
            "-subj", "/CN=jackpotd-bench wallet",
        ])
        try Self.openssl([
            "x509", "-req", "-in", request, "-CA", privateCA, "-CAkey", caKey, "-CAcreateserial",
            "-out", certificateFile, "-days", "2", "-extfile", extensions,
        ])
        let system = FileManager.default.contents(atPath: Self.systemBundle) ?? Data()
        try (system + (FileManager.default.contents(atPath: privateCA) ?? Data())).write(to: URL(fileURLWithPath: caFile))
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchFailure("openssl \(arguments.first ?? "") failed: \(String(decoding: output, as: UTF8.self))")
        }
    }
}

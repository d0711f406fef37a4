import Foundation

/// A private CA and server certificates for the loopback addresses the bench's
/// TLS wallets listen on, made with `openssl` at the start of a measurement:
/// the daemon verifies them exactly as it verifies a real wallet
/// (`tls.caFile`), nothing relaxed.
struct LoopbackCertificates {
    /// What the daemon and the bare loop trust (`tls.caFile`): the system's CA bundle
    /// plus the private CA, so building and holding the trust store costs what it
    /// costs for a wallet with a public certificate (verified against the system store).
    let caFile: String
    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
    /// The server certificates, each with the addresses it names as IP subject names.
    let servers: [Server]
    /// The one key every server certificate is for.
    let keyFile: String

    /// A server certificate and the addresses it names.
    struct Server {
        let addresses: [String]
        let certificateFile: String
    }

    /// At most this many addresses a certificate, as a wallet's own certificate names
    /// its few hosts. A client parses the peer's certificate and keeps it for the
    /// connection's life: one certificate naming a thousand addresses cost every TLS
    /// connection about 70 KB more than one naming ten (measured with 200 and 1 000
    /// names), which no wallet's certificate would.
    static let addressesPerCertificate = 10

    /// RSA 2048, as most wallets present.
    init(addresses: [String], in directory: String) throws {
        caFile = directory + "/trust.pem"
        let privateCA = directory + "/ca.pem"
        keyFile = directory + "/server.key"
        let caKey = directory + "/ca.key"
        let request = directory + "/server.csr"
        try Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", privateCA,
            "-days", "2", "-subj", "/CN=jackpotd-bench CA",
        ])
        try Self.openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", request,
            "-subj", "/CN=jackpotd-bench wallet",
        ])
        servers = try stride(from: 0, to: addresses.count, by: Self.addressesPerCertificate).map { start in
            let named = Array(addresses[start..<min(start + Self.addressesPerCertificate, addresses.count)])
            let certificateFile = directory + "/server\(start).pem"
            let extensions = directory + "/server\(start).ext"
            let names = named.map { "IP:\($0)" }.joined(separator: ",")
            try Data("subjectAltName=\(names)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n".utf8)
                .write(to: URL(fileURLWithPath: extensions))
            try Self.openssl([
                "x509", "-req", "-in", request, "-CA", privateCA, "-CAkey", caKey, "-CAcreateserial",
                "-out", certificateFile, "-days", "2", "-extfile", extensions,
            ])
            return Server(addresses: named, certificateFile: certificateFile)
        }
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

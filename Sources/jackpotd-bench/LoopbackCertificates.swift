import Foundation

/// A private CA and one server certificate for every loopback address the
/// bench's TLS wallets listen on, made with `openssl` at the start of a
/// measurement: the daemon verifies them exactly as it verifies a real wallet
/// (`tls.caFile`), nothing relaxed.
struct LoopbackCertificates {
    /// The CA the daemon and the bare loop trust (`tls.caFile`).
    let caFile: String
    let certificateFile: String
    let keyFile: String

    /// RSA 2048, as most wallets present; the addresses are the certificate's IP subject names.
    init(addresses: [String], in directory: String) throws {
        caFile = directory + "/ca.pem"
        certificateFile = directory + "/server.pem"
        keyFile = directory + "/server.key"
        let caKey = directory + "/ca.key", request = directory + "/server.csr", extensions = directory + "/server.ext"
        let names = addresses.map { "IP:\($0)" }.joined(separator: ",")
        try Data("subjectAltName=\(names)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n".utf8)
            .write(to: URL(fileURLWithPath: extensions))
        try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", caFile,
                          "-days", "2", "-subj", "/CN=jackpotd-bench CA"])
        try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", request,
                          "-subj", "/CN=jackpotd-bench wallet"])
        try Self.openssl(["x509", "-req", "-in", request, "-CA", caFile, "-CAkey", caKey, "-CAcreateserial",
                          "-out", certificateFile, "-days", "2", "-extfile", extensions])
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

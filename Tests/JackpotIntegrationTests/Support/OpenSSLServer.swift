import Foundation
import TestSupport

/// `openssl s_server -www` on a kernel-chosen loopback port, with the caller's
/// arguments (certificates, `-Verify`), plus the certificate helpers the TLS
/// tests share. Nil when openssl is missing or the server does not start.
final class OpenSSLServer {
    let port: Int
    private let process: Process

    init?(arguments: [String]) throws {
        guard let openssl = UntrustedTLSServer.opensslPath else { return nil }
        process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        // -accept 0: the kernel picks the port; s_server prints "ACCEPT [::]:PORT".
        process.arguments = ["s_server", "-accept", "0", "-www", "-naccept", "100"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var text = ""
        var found: Int?
        while found == nil, process.isRunning {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            found = text.split(whereSeparator: \.isNewline)
                .first { $0.hasPrefix("ACCEPT") }
                .flatMap { $0.split(separator: ":").last }
                .flatMap { Int($0) }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            return nil
        }
        port = found
    }

    deinit {
        // SIGKILL: a child started from a test thread may have SIGTERM blocked.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(10_000) }
    }

    var url: String { "https://localhost:\(port)/" }

    /// A fresh self-signed EC certificate and key for `localhost` (and 127.0.0.1)
    /// as `NAME-cert.pem` / `NAME-key.pem` in `directory`; nil if openssl failed.
    static func selfSigned(_ name: String, in directory: TemporaryDirectory) throws -> (certificate: String, key: String)? {
        guard let openssl = UntrustedTLSServer.opensslPath else { return nil }
        let key = directory.path("\(name)-key.pem")
        let certificate = directory.path("\(name)-cert.pem")
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: openssl)
        generate.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", key, "-out", certificate, "-days", "1",
        ]
        generate.standardOutput = FileHandle.nullDevice
        generate.standardError = FileHandle.nullDevice
        try generate.run()
        let deadline = Date().addingTimeInterval(10)
        while generate.isRunning, Date() < deadline { usleep(10_000) }
        guard !generate.isRunning, generate.terminationStatus == 0 else { return nil }
        return (certificate, key)
    }
}

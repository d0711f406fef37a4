import Foundation
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
import TestSupport

/// An HTTPS server on loopback whose certificate no CA signed: `openssl s_server`
/// with a fresh self-signed certificate for `localhost`. The name matches, so a
/// client that refuses the connection refuses it for the one right reason — the
/// certificate is not trusted. Nil when `openssl` is missing or fails to start.
final class UntrustedTLSServer {
    let port: Int
    private let process: Process

    static var opensslPath: String? {
        ["/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init?(in directory: TemporaryDirectory) throws {
        guard let openssl = Self.opensslPath else { return nil }
        let key = directory.path("tls-key.pem")
        let certificate = directory.path("tls-cert.pem")
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
        Self.waitForExit(generate)
        guard !generate.isRunning, generate.terminationStatus == 0 else { return nil }

        process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        // -accept 0: the kernel picks the port; s_server prints "ACCEPT [::]:PORT".
        process.arguments = ["s_server", "-accept", "0", "-cert", certificate, "-key", key, "-www", "-naccept", "100"]
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
        // SIGKILL, not terminate(): a child started from a test thread inherits that
        // thread's blocked signals, and s_server then never sees SIGTERM.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        Self.waitForExit(process)
    }

    /// Polls instead of `waitUntilExit()`, which on Linux spins the calling
    /// thread's run loop and can miss the exit when called from another thread
    /// than the one that launched the process (it hung the test suite).
    private static func waitForExit(_ process: Process, seconds: Double = 10) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(10_000) }
    }

    var url: String { "https://localhost:\(port)/V4/JackPotWin" }
}

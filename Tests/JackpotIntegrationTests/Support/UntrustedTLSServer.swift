import Foundation
import TestSupport

/// An HTTPS server on loopback whose certificate no CA signed: `openssl s_server`
/// with a fresh self-signed certificate for `localhost`. The name matches, so a
/// client that refuses the connection refuses it for the one right reason — the
/// certificate is not trusted. Nil when `openssl` is missing or fails to start.
final class UntrustedTLSServer {
    private let server: OpenSSLServer

    static var opensslPath: String? {
        ["/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init?(in directory: TemporaryDirectory) throws {
        guard let (certificate, key) = try OpenSSLServer.selfSigned("tls", in: directory),
            let server = try OpenSSLServer(arguments: ["-cert", certificate, "-key", key])
        else { return nil }
        self.server = server
    }

    var port: Int { server.port }

    var url: String { "https://localhost:\(port)/V4/JackPotWin" }
}

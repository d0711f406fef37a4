import Foundation
import Testing
import JackpotDelivery
import JackpotWire
import TestSupport

/// The listener over TLS (GnuTLS inside libmicrohttpd) and with client
/// certificates, with certificates `openssl` makes for each test; the client is
/// jackpotd's own libcurl transport.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore, .enabled(if: UntrustedTLSServer.opensslPath != nil, "needs openssl"))
struct IngestTLSTests {
    static func post(
        _ transport: CurlTransport, port: Int, token: String, reference: String, options: TransportOptions
    ) async -> HTTPExchangeResult {
        await transport.send(
            HTTPRequestData(
                url: "https://127.0.0.1:\(port)/v1/wins",
                headers: [HTTPHeader("Authorization", "Bearer \(token)"), HTTPHeader("Content-Type", "application/json")],
                body: Array(winLine(reference, operator: "casino-a").utf8), transport: options), timeoutSeconds: 10)
    }

    @Test func tlsServesWinsAndPlainHTTPIsNotAnswered() async throws {
        let certificates = TemporaryDirectory()
        let server = try #require(try OpenSSLServer.selfSigned("server", in: certificates))
        let daemon = try await IngestDaemon(tls: #"{"certificateFile": "\#(server.certificate)", "keyFile": "\#(server.key)"}"#)
        #expect(daemon.process.log.contains("tls=true mtls=false"))
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }

        let answer = try await Self.post(
            transport, port: daemon.port, token: daemon.platformToken, reference: "tls-1",
            options: TransportOptions(caFile: server.certificate)
        ).get()
        #expect(answer.status == 201)
        #expect(try daemon.probe.win("tls-1") != nil)

        // The server's certificate is checked like any other.
        let untrusted = await Self.post(
            transport, port: daemon.port, token: daemon.platformToken, reference: "tls-2", options: TransportOptions())
        guard case .failure(.tls) = untrusted else {
            Issue.record("expected a TLS failure with an untrusted server certificate, got \(untrusted)")
            return
        }
        // Plain HTTP to the TLS port gets no HTTP answer.
        let plain = await postWin(port: daemon.port, token: daemon.platformToken, winLine("tls-3", operator: "casino-a"))
        #expect(plain == nil || plain?.status == 400)
        #expect(try daemon.probe.win("tls-3") == nil)
    }

    @Test func mutualTLSNeedsACertificateTheClientCASigned() async throws {
        let certificates = TemporaryDirectory()
        let server = try #require(try OpenSSLServer.selfSigned("server", in: certificates))
        let client = try #require(try OpenSSLServer.selfSigned("client", in: certificates))
        let stranger = try #require(try OpenSSLServer.selfSigned("stranger", in: certificates))
        let daemon = try await IngestDaemon(
            tls: """
                {"certificateFile": "\(server.certificate)", "keyFile": "\(server.key)", "clientCAFile": "\(client.certificate)"}
                """)
        #expect(daemon.process.log.contains("tls=true mtls=true"))
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }

        let trusted = TransportOptions(
            clientCertificateFile: client.certificate, clientKeyFile: client.key, caFile: server.certificate)
        let accepted = try await Self.post(
            transport, port: daemon.port, token: daemon.platformToken, reference: "m-1", options: trusted
        ).get()
        #expect(accepted.status == 201)

        let foreign = TransportOptions(
            clientCertificateFile: stranger.certificate, clientKeyFile: stranger.key, caFile: server.certificate)
        let refused = await Self.post(
            transport, port: daemon.port, token: daemon.platformToken, reference: "m-2", options: foreign)
        let noCertificate = await Self.post(
            transport, port: daemon.port, token: daemon.platformToken, reference: "m-3",
            options: TransportOptions(caFile: server.certificate))
        for result in [refused, noCertificate] {
            switch result {
            case .success(let response): #expect(response.status == 403)
            case .failure(.tls), .failure(.connection): break
            case .failure(let other): Issue.record("unexpected \(other)")
            }
        }
        #expect(try daemon.probe.win("m-2") == nil && daemon.probe.win("m-3") == nil)
        #expect(try daemon.probe.win("m-1") != nil)
    }

    @Test func aBodyTricklingOverTLSIsAnswered408Too() async throws {
        let certificates = TemporaryDirectory()
        let server = try #require(try OpenSSLServer.selfSigned("server", in: certificates))
        let daemon = try await IngestDaemon(
            limits: #"{"requestTimeoutSeconds": 2}"#,
            tls: #"{"certificateFile": "\#(server.certificate)", "keyFile": "\#(server.key)"}"#)
        // openssl s_client forwards what it reads from its input as it reads
        // it: the headers at once, then the body a byte every 100 ms (about
        // 15 s for all of it), so the body is still arriving at its deadline.
        let client = Process()
        client.executableURL = URL(fileURLWithPath: try #require(UntrustedTLSServer.opensslPath))
        client.arguments = ["s_client", "-quiet", "-connect", "127.0.0.1:\(daemon.port)", "-CAfile", server.certificate]
        let input = Pipe()
        let output = Pipe()
        client.standardInput = input
        client.standardOutput = output
        client.standardError = FileHandle.nullDevice
        try client.run()
        let body = Array(winLine("tls-slow", operator: "casino-a").utf8)
        let head =
            "POST /v1/wins HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(daemon.platformToken)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let writer = input.fileHandleForWriting
        // Writing to openssl's input once it has exited must fail, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        DispatchQueue.global().async {
            guard (try? writer.write(contentsOf: Data(head.utf8))) != nil else { return }
            for byte in body {
                guard client.isRunning, (try? writer.write(contentsOf: Data([byte]))) != nil else { return }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        let received = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: output.fileHandleForReading.readDataToEndOfFile()) }
        }
        client.terminate()
        let reply = try #require(HTTPReply(Array(received)), "\(String(decoding: received, as: UTF8.self))")
        #expect(reply.status == 408)
        #expect(reply.headers["connection"] == "close")
        #expect(try daemon.probe.win("tls-slow") == nil)
    }
}

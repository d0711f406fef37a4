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
}

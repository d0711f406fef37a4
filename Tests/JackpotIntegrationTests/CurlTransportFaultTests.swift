import Foundation
import Testing
import TestSupport
import JackpotDelivery
import JackpotWire
import OperatorSimulator

/// The libcurl transport against the faults URLSession got wrong or could not
/// do, over real loopback sockets: resends after a reset, deadlines on silent
/// peers, answers too big to read, TLS trust, mutual TLS, an egress proxy.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct CurlTransportFaultTests {
    typealias Fixtures = ScriptedOperatorFixtures
    static let loopback = TransportOptions(allowInsecureHTTP: true)

    private func request(_ url: String, reference: String, options: TransportOptions = loopback) -> HTTPRequestData {
        var request = Fixtures.jsonRequest(url: url, reference: reference)
        request.transport = options
        return request
    }

    // MARK: Exact bodies on every attempt

    @Test func aResetOnAKeptAliveConnectionIsResentWithTheFullBody() async throws {
        let server = KeepAliveResetServer()
        defer { server.stop() }
        let transport = CurlTransport(maximumConnectionsPerHost: 1)
        defer { transport.shutdown() }

        var sent: [[UInt8]] = []
        for index in 0..<5 {
            let call = request(server.url, reference: "reset-\(index)")
            sent.append(call.body)
            let response = try await transport.send(call, timeoutSeconds: 5).get()
            #expect(response.status == 200)
            #expect(response.timesSent == (index == 0 ? 1 : 2), "call \(index)")
        }
        // Calls 2…5 each met a reset on the reused connection and were sent again.
        #expect(server.resetCount == 4)
        let bodies = server.bodies
        #expect(bodies.count == 9)
        #expect(bodies.allSatisfy { !$0.isEmpty }, "an empty POST reached the operator")
        #expect(bodies == [sent[0]] + sent.dropFirst().flatMap { [$0, $0] })
    }

    /// Every connection in the pool reset by the operator on reuse: libcurl, left to
    /// itself, re-sends the request on each stale connection in turn (up to five
    /// times), unseen. One re-send is allowed, the classic stale idle connection;
    /// a second stale connection ends the call as a connection error.
    @Test func resendsAfterResetsOnKeptAliveConnectionsAreBounded() async throws {
        let server = KeepAliveResetServer(warmConnections: 4)
        defer { server.stop() }
        let transport = CurlTransport(maximumConnectionsPerHost: 8)
        defer { transport.shutdown() }
        let warmed = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<4 {
                group.addTask {
                    (try? await transport.send(request(server.url, reference: "warm-\(index)"), timeoutSeconds: 10).get().status)
                        == 200
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        try #require(warmed)

        let result = await transport.send(request(server.url, reference: "stale"), timeoutSeconds: 10)
        // The request left twice (a stale connection, one re-send), not five times.
        #expect(server.bodies.count == 4 + 2, "\(server.bodies.count - 4) requests left for one call")
        guard case .failure(.connection(let message)) = result else {
            Issue.record("expected a connection error, got \(result)")
            return
        }
        #expect(message.contains("sent 2 times"), "\(message)")
    }

    // MARK: Deadlines

    @Test func aSYNNeverAnsweredIsATimeout() async throws {
        let port = UnansweredSYNPort()
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let result = await transport.send(request(port.url, reference: "syn"), timeoutSeconds: 0.3)
        #expect(result == .failure(.timeout))
    }

    @Test func anAcceptedButSilentConnectionIsATimeout() async throws {
        let port = AcceptButSilentPort()
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let result = await transport.send(request(port.url, reference: "silent"), timeoutSeconds: 0.3)
        #expect(result == .failure(.timeout))
    }

    @Test func cancellingTheCallerEndsTheCallAndLeavesTheTransportUsable() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        defer { wallet.stop() }
        wallet.enqueueFaults([.hang])
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let hanging = request(wallet.url, reference: "cancelled")
        let call = Task { await transport.send(hanging, timeoutSeconds: 120) }
        #expect(await eventually { wallet.snapshot.requests == 1 })
        call.cancel()
        #expect(await call.value == .failure(.other("cancelled by the caller")))
        let next = try await transport.send(request(wallet.url, reference: "after-cancel"), timeoutSeconds: 5).get()
        #expect(next.status == 200)
        #expect(wallet.credit(for: "after-cancel") != nil)
    }

    @Test func shutdownEndsCallsInFlightAndRefusesNewOnes() async throws {
        let port = AcceptButSilentPort()
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        let waiting = request(port.url, reference: "in-flight")
        let call = Task { await transport.send(waiting, timeoutSeconds: 120) }
        // The call may or may not have reached the loop: either way it ends as shut down.
        await Task.yield()
        transport.shutdown()
        #expect(await call.value == .failure(.other("the transport was shut down")))
        #expect(await transport.send(waiting, timeoutSeconds: 1) == .failure(.other("the transport was shut down")))
    }

    // MARK: Schemes and redirects

    @Test func httpIsRefusedUnlessTheRequestAllowsIt() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        defer { wallet.stop() }
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let result = await transport.send(request(wallet.url, reference: "plain", options: TransportOptions()), timeoutSeconds: 5)
        guard case .failure(.other(let message)) = result else {
            Issue.record("expected a refusal, got \(result)")
            return
        }
        #expect(message.contains("http"), "\(message)")
        #expect(wallet.snapshot.requests == 0)
    }

    @Test func aRedirectToAnotherServerIsReturnedAndNotFollowed() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        let elsewhere = try ScriptedOperator(secret: Fixtures.secret)
        defer {
            wallet.stop()
            elsewhere.stop()
        }
        wallet.enqueueFaults([.redirect(location: elsewhere.url)])
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let response = try await transport.send(request(wallet.url, reference: "moved"), timeoutSeconds: 5).get()
        #expect(response.status == 302)
        #expect(response.headers["location"] == elsewhere.url)
        #expect(elsewhere.snapshot.requests == 0)
    }

    // MARK: Answers too big to read

    @Test(.enabled(if: GzipBomb.gzipPath != nil, "needs gzip to build the bomb"))
    func hugeEndlessAndGzipBombAnswersAreCappedWhileAnotherOperatorIsServed() async throws {
        let big = BigAnswerServer(gzipMember: try GzipBomb.member())
        let healthy = try ScriptedOperator(secret: Fixtures.secret)
        defer {
            big.stop()
            healthy.stop()
        }
        let transport = CurlTransport(maximumConnectionsPerHost: 8)
        defer { transport.shutdown() }

        let paths = ["/huge", "/endless", "/gzip"]
        let bigCalls = paths.map { path in
            let call = request(big.baseURL + path, reference: "big" + path)
            return Task { await transport.send(call, timeoutSeconds: 60) }
        }
        // All three answers are in flight, parked mid-body…
        #expect(await eventually { big.snapshot.parked == 3 })
        // …while the other operator's calls go through, one after another.
        for index in 0..<40 {
            let response = try await transport.send(request(healthy.url, reference: "healthy-\(index)"), timeoutSeconds: 5).get()
            #expect(response.status == 200)
        }
        #expect(healthy.snapshot.credited == 40)
        #expect(big.snapshot.parked == 3)

        big.release()
        for call in bigCalls {
            let response = try await call.value.get()
            #expect(response.status == 200)
            #expect(response.bodyTruncated)
            #expect(response.body.count == HTTPResponseData.bodyLimit)
        }
        // The 200 MB and the endless answer are larger than any socket buffer: the
        // server learns the client stopped reading. (The 522 KB bomb may fit in
        // the buffers, so the server may finish writing it.)
        #expect(await eventually { Set(big.snapshot.abandoned).isSuperset(of: ["/huge", "/endless"]) })
        #expect(!big.snapshot.completed.contains("/huge"), "the client read the 200 MB answer past the cap")
        #expect(big.snapshot.askedForEncoding == 0, "the client asked for a compressed answer")
        // Streaming answers in flight do not stop the next call either.
        let after = try await transport.send(request(healthy.url, reference: "healthy-after"), timeoutSeconds: 5).get()
        #expect(after.status == 200)
    }

    // MARK: TLS

    @Test(.enabled(if: UntrustedTLSServer.opensslPath != nil, "needs openssl"))
    func anUntrustedCertificateIsRefusedAndTrustedThroughCAFile() async throws {
        let directory = TemporaryDirectory()
        let server = try #require(try OpenSSLServer.selfSigned("server", in: directory))
        let peer = try #require(try OpenSSLServer(arguments: ["-cert", server.certificate, "-key", server.key]))
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let get = { (options: TransportOptions) in
            HTTPRequestData(method: "GET", url: peer.url, headers: [], body: [], transport: options)
        }

        let refused = await transport.send(get(TransportOptions()), timeoutSeconds: 10)
        guard case .failure(.tls(let message)) = refused else {
            Issue.record("expected a TLS failure, got \(refused)")
            return
        }
        #expect(message.contains("self-signed certificate"), "\(message)")

        let trusted = try await transport.send(get(TransportOptions(caFile: server.certificate)), timeoutSeconds: 10).get()
        #expect(trusted.status == 200)
    }

    @Test(.enabled(if: UntrustedTLSServer.opensslPath != nil, "needs openssl"))
    func mutualTLSSucceedsWithTheClientCertificateAndFailsWithout() async throws {
        let directory = TemporaryDirectory()
        let server = try #require(try OpenSSLServer.selfSigned("server", in: directory))
        let client = try #require(try OpenSSLServer.selfSigned("client", in: directory))
        let peer = try #require(
            try OpenSSLServer(arguments: [
                "-cert", server.certificate, "-key", server.key, "-Verify", "1", "-CAfile", client.certificate,
            ]))
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let get = { (options: TransportOptions) in
            HTTPRequestData(method: "GET", url: peer.url, headers: [], body: [], transport: options)
        }

        let withCertificate = TransportOptions(
            clientCertificateFile: client.certificate, clientKeyFile: client.key, caFile: server.certificate)
        let accepted = try await transport.send(get(withCertificate), timeoutSeconds: 10).get()
        #expect(accepted.status == 200)

        let without = await transport.send(get(TransportOptions(caFile: server.certificate)), timeoutSeconds: 10)
        guard case .failure(.tls) = without else {
            Issue.record("expected a TLS failure without a client certificate, got \(without)")
            return
        }
    }

    // MARK: Egress proxy

    @Test func aRequestThroughAConnectProxyArrives() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        let proxy = ConnectProxy()
        defer {
            proxy.stop()
            wallet.stop()
        }
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }
        let options = TransportOptions(allowInsecureHTTP: true, proxy: "http://egress:pass-9@127.0.0.1:\(proxy.port)")

        for index in 0..<3 {
            let result = await transport.send(
                request(wallet.url, reference: "proxied-\(index)", options: options), timeoutSeconds: 5)
            let response = try #require(try? result.get(), "\(result)")
            #expect(response.status == 200)
            #expect(try JSONValue.parse(response.body).objectValue?["error"] == .number("0"))
        }
        #expect(wallet.snapshot.credited == 3)
        let connects = proxy.connects
        // One tunnel, kept alive for all three calls.
        #expect(
            connects == [
                ConnectProxy.Tunnel(
                    target: "127.0.0.1:\(wallet.port)",
                    authorization: "basic " + Data("egress:pass-9".utf8).base64EncodedString().lowercased())
            ])
    }
}

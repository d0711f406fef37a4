import Testing
import JackpotDelivery
import JackpotWire
import OperatorSimulator

/// The production transport against the scripted operator over real loopback sockets.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct CurlTransportTests {
    typealias Fixtures = ScriptedOperatorFixtures

    /// A fresh operator and transport per test; both are torn down by `body`'s caller.
    private func withOperator(
        maximumConnectionsPerHost: Int = 4, numericTransactionIds: Bool = false,
        _ body: (ScriptedOperator, CurlTransport) async throws -> Void
    ) async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret, numericTransactionIds: numericTransactionIds)
        let transport = CurlTransport(maximumConnectionsPerHost: maximumConnectionsPerHost)
        defer {
            transport.shutdown()
            wallet.stop()
        }
        try await body(wallet, transport)
    }

    private func win(_ wallet: ScriptedOperator, _ reference: String) -> HTTPRequestData {
        Fixtures.jsonRequest(url: wallet.url, reference: reference)
    }

    @Test func manySequentialRequestsOnKeptAliveConnectionsAllSucceed() async throws {
        try await withOperator { wallet, transport in
            for index in 0..<200 {
                let answer = try Fixtures.answer(await transport.send(win(wallet, "seq-\(index)"), timeoutSeconds: 5))
                #expect(answer["error"] == .number("0"))
            }
            #expect(wallet.snapshot.credited == 200)
            #expect(wallet.snapshot.requests == 200)
        }
    }

    @Test func fiftyParallelSendsOverEightConnectionsAllSucceed() async throws {
        try await withOperator(maximumConnectionsPerHost: 8) { wallet, transport in
            let results = await withTaskGroup(of: HTTPExchangeResult.self) { group in
                for index in 0..<50 {
                    let request = win(wallet, "par-\(index)")
                    group.addTask { await transport.send(request, timeoutSeconds: 10) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 50)
            #expect(results.allSatisfy { (try? $0.get())?.status == 200 })
            #expect(wallet.snapshot.credited == 50)
        }
    }

    @Test func serverErrorStatusAndBodyArriveAsTheyAre() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.status(500, body: "internal trouble")])
            let response = try await transport.send(win(wallet, "f-500"), timeoutSeconds: 5).get()
            #expect(response.status == 500)
            #expect(response.body == Array("internal trouble".utf8))
            #expect(wallet.credit(for: "f-500") == nil)
        }
    }

    @Test func operatorErrorCodeArrivesInA200WithoutCredit() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.errorCode(120, description: "Player blocked")])
            let answer = try Fixtures.answer(await transport.send(win(wallet, "f-120"), timeoutSeconds: 5))
            #expect(answer["error"] == .number("120"))
            #expect(answer["description"] == .string("Player blocked"))
            #expect(wallet.credit(for: "f-120") == nil)
        }
    }

    @Test func retryAfterHeaderIsVisibleLowercased() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.retryAfter(status: 429, value: "7")])
            let response = try await transport.send(win(wallet, "f-429"), timeoutSeconds: 5).get()
            #expect(response.status == 429)
            #expect(response.headers["retry-after"] == "7")
        }
    }

    @Test func redirectIsReturnedNotFollowed() async throws {
        try await withOperator { wallet, transport in
            // The target is the operator itself: following it would credit the win.
            wallet.enqueueFaults([.redirect(location: wallet.url)])
            let response = try await transport.send(win(wallet, "f-302"), timeoutSeconds: 5).get()
            #expect(response.status == 302)
            #expect(response.headers["location"] == wallet.url)
            #expect(wallet.snapshot.requests == 1)
            #expect(wallet.credit(for: "f-302") == nil)
        }
    }

    @Test func garbageBodyArrivesVerbatim() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.garbage("<html>oops</html>")])
            let response = try await transport.send(win(wallet, "f-garbage"), timeoutSeconds: 5).get()
            #expect(response.status == 200)
            #expect(response.body == Array("<html>oops</html>".utf8))
            #expect(response.headers["content-type"] == "text/html")
        }
    }

    @Test func truncatedJSONArrivesCompleteAtTheHTTPLevelButDoesNotParse() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.truncatedJSON])
            let response = try await transport.send(win(wallet, "f-trunc"), timeoutSeconds: 5).get()
            #expect(response.status == 200)
            #expect(response.body == Array("{\"transactionId\": \"12".utf8))
            #expect(!response.bodyTruncated)
            #expect(throws: JSONParseError.self) { try JSONValue.parse(response.body) }
        }
    }

    @Test func answerWithoutTransactionIdArrivesAsSent() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.noTransactionId])
            let answer = try Fixtures.answer(await transport.send(win(wallet, "f-noid"), timeoutSeconds: 5))
            #expect(answer["transactionId"] == nil)
            #expect(answer["error"] == .number("0"))
        }
    }

    @Test func hugeBodyIsCutAtTheLimitWithoutReadingTheRest() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.hugeBody(bytes: 200 * 1024 * 1024)])
            let response = try await transport.send(win(wallet, "f-huge"), timeoutSeconds: 30).get()
            #expect(response.status == 200)
            #expect(response.body.count == HTTPResponseData.bodyLimit)
            #expect(response.bodyTruncated)
            // The connection pool still works after the cancelled read.
            let next = try Fixtures.answer(await transport.send(win(wallet, "after-huge"), timeoutSeconds: 5))
            #expect(next["error"] == .number("0"))
        }
    }

    @Test func hangingOperatorYieldsTimeout() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.hang])
            let result = await transport.send(win(wallet, "f-hang"), timeoutSeconds: 1)
            #expect(result == .failure(.timeout))
            #expect(wallet.credit(for: "f-hang") == nil)
        }
    }

    @Test func slowAnswerPastTheTimeoutIsATimeoutButTheCreditStands() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.delayThenAnswer(seconds: 2)])
            let result = await transport.send(win(wallet, "f-slow"), timeoutSeconds: 1)
            #expect(result == .failure(.timeout))
            #expect(wallet.credit(for: "f-slow") != nil)
        }
    }

    @Test func resetBeforeAnswerIsAConnectionFailureWithoutCredit() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.resetBeforeAnswer])
            let result = await transport.send(win(wallet, "f-rst"), timeoutSeconds: 5)
            guard case .failure(.connection) = result else {
                Issue.record("expected a connection failure, got \(result)")
                return
            }
            #expect(wallet.credit(for: "f-rst") == nil)
        }
    }

    @Test func creditThenResetLosesTheAnswerButNotTheCredit() async throws {
        try await withOperator { wallet, transport in
            wallet.enqueueFaults([.creditThenReset])
            let result = await transport.send(win(wallet, "f-lost"), timeoutSeconds: 5)
            guard case .failure(.connection) = result else {
                Issue.record("expected a connection failure, got \(result)")
                return
            }
            #expect(wallet.credit(for: "f-lost")?.timesReceived == 1)
        }
    }

    @Test func closedPortIsAConnectionFailure() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        let url = wallet.url
        wallet.stop()
        let transport = CurlTransport(maximumConnectionsPerHost: 1)
        defer { transport.shutdown() }

        let result = await transport.send(Fixtures.jsonRequest(url: url, reference: "refused"), timeoutSeconds: 5)

        guard case .failure(.connection) = result else {
            Issue.record("expected a connection failure, got \(result)")
            return
        }
    }
}

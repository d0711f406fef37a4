import Foundation
import Testing
import TestSupport

/// Bearer tokens: none, wrong, scoped to some operators, rotated by SIGHUP,
/// and never written to the log.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct IngestAuthTests {
    @Test func noTokenOrAWrongOneIs401AndAScopedTokenIs403ForOtherOperators() async throws {
        let daemon = try await IngestDaemon()
        let line = winLine("auth-1", operator: "casino-a")

        let anonymous = try #require(await postWin(port: daemon.port, token: nil, line))
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["www-authenticate"] == "Bearer")
        let wrong = try #require(await postWin(port: daemon.port, token: daemon.platformToken + "x", line))
        #expect(wrong.status == 401)
        let prefix = try #require(await postWin(port: daemon.port, token: String(daemon.platformToken.dropLast()), line))
        #expect(prefix.status == 401)

        let forbidden = try #require(await postWin(port: daemon.port, token: daemon.onlyBToken, line))
        #expect(forbidden.status == 403)
        #expect(forbidden.string("reason")?.contains("onlyB") == true)
        let allowed = try #require(
            await postWin(port: daemon.port, token: daemon.onlyBToken, winLine("auth-b", operator: "casino-b")))
        #expect(allowed.status == 201)
        #expect(try daemon.probe.win("auth-1") == nil)

        let mixed = try #require(
            await postBatch(
                port: daemon.port, token: daemon.onlyBToken,
                [
                    winLine("auth-b2", operator: "casino-b"), winLine("auth-a2", operator: "casino-a"),
                ]))
        #expect(mixed.number("accepted") == 1)
        #expect(mixed.number("forbidden") == 1)
        #expect(try daemon.probe.win("auth-a2") == nil)

        await daemon.stop()
        #expect(!daemon.process.log.contains(daemon.platformToken))
        #expect(!daemon.process.log.contains(daemon.onlyBToken))
    }

    @Test func sighupRotatesTokens() async throws {
        let daemon = try await IngestDaemon()
        let oldToken = daemon.platformToken
        let newToken = "rotated-" + UUID().uuidString
        daemon.directory.write("tokens/next", newToken)

        // Both valid during the move, then the old one removed.
        IngestDaemon.writeConfig(
            daemon.directory, wallet: daemon.wallet, tokens: ["platform": "tokens/platform", "next": "tokens/next"])
        daemon.process.send(SIGHUP)
        let both = await eventually { daemon.process.log.contains("event=ingest_tokens_reloaded tokens=next,platform") }
        try #require(both, "\(daemon.process.log)")
        #expect(await postWin(port: daemon.port, token: newToken, winLine("rot-1", operator: "casino-a"))?.status == 201)
        #expect(await postWin(port: daemon.port, token: oldToken, winLine("rot-2", operator: "casino-a"))?.status == 201)

        IngestDaemon.writeConfig(daemon.directory, wallet: daemon.wallet, tokens: ["next": "tokens/next"])
        daemon.process.send(SIGHUP)
        let onlyNew = await eventually { daemon.process.log.contains("event=ingest_tokens_reloaded tokens=next\n") }
        try #require(onlyNew, "\(daemon.process.log)")
        #expect(await postWin(port: daemon.port, token: oldToken, winLine("rot-3", operator: "casino-a"))?.status == 401)
        #expect(await postWin(port: daemon.port, token: newToken, winLine("rot-4", operator: "casino-a"))?.status == 201)
        await daemon.stop()
        #expect(!daemon.process.log.contains(newToken))
    }
}

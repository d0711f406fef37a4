import Foundation
import Testing
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// `jackpotd run` with an `ingest` object, over real HTTP on loopback: each
/// endpoint and each answer a platform can get, and what ends up in the outbox.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct IngestEndpointTests {
    @Test func aSingleWinIsAcceptedThenDuplicateThenConflictNamingTheField() async throws {
        let daemon = try await IngestDaemon()
        let line = winLine("http-1", operator: "casino-a")

        let accepted = try #require(await postWin(port: daemon.port, token: daemon.platformToken, line))
        #expect(accepted.status == 201, "\(accepted.text)")
        #expect(accepted.string("result") == "accepted")
        #expect(accepted.string("reference") == "http-1")
        // 2xx only once the win is on disk: another connection sees it at once.
        #expect(try daemon.probe.win("http-1")?.amount == "55")

        let again = try #require(await postWin(port: daemon.port, token: daemon.platformToken, line))
        #expect(again.status == 200)
        #expect(again.string("result") == "duplicate")

        let changed = try #require(
            await postWin(
                port: daemon.port, token: daemon.platformToken, winLine("http-1", operator: "casino-a", amount: "56")))
        #expect(changed.status == 409)
        #expect(changed.string("result") == "conflict")
        #expect(changed.json?["fields"] == .array([.string("amount")]))
        #expect(changed.string("reason")?.contains("different amount") == true)
        #expect(try daemon.probe.win("http-1")?.amount == "55")

        let delivered = try await eventually { try daemon.probe.win("http-1")?.state == .delivered }
        #expect(delivered)
        #expect(daemon.wallet.snapshot.credited == 1)
    }

    @Test func anInvalidWinIs422WithTheReasonEnqueuePrintsAndNothingIsStored() async throws {
        let daemon = try await IngestDaemon()
        let invalid =
            #"{"operator":"casino-a","userId":"421","gameId":"g","roundId":"r","amount":"12.3.4","reference":"bad-1","jackpotId":"568"}"#
        let answer = try #require(await postWin(port: daemon.port, token: daemon.platformToken, invalid))
        #expect(answer.status == 422)
        #expect(answer.string("result") == "invalid")
        let reason = try #require(answer.string("reason"))

        let file = daemon.directory.write("invalid.jsonl", invalid + "\n")
        let cli = await runCLI(["enqueue", "--config", daemon.configPath, "--file", file])
        #expect(cli.errors.contains("line 1: \(reason)"), "\(cli.errors) vs \(reason)")

        let unknown = try #require(
            await postWin(port: daemon.port, token: daemon.platformToken, winLine("u-1", operator: "casino-z")))
        #expect(unknown.status == 422)
        #expect(unknown.string("reason")?.contains("operator \"casino-z\" is not configured") == true)
        #expect(try daemon.probe.count() == 0)
    }

    @Test func malformedBodiesAreClear4xxAndNothingIsStored() async throws {
        let daemon = try await IngestDaemon()
        let token = daemon.platformToken
        let malformed = try #require(await postWin(port: daemon.port, token: token, "{\"operator\": "))
        #expect(malformed.status == 400)
        #expect(malformed.string("error")?.contains("not valid JSON") == true)

        let notObject = try #require(await postWin(port: daemon.port, token: token, "[1,2]"))
        #expect(notObject.status == 400)

        var invalidUTF8 = Array(winLine("utf-1", operator: "casino-a").utf8)
        invalidUTF8.insert(contentsOf: [0xFF, 0xFE], at: invalidUTF8.count - 10)
        let bytes = try #require(
            await httpRequest(
                port: daemon.port, "POST", "/v1/wins", token: token, contentType: "application/json", body: invalidUTF8))
        #expect(bytes.status == 400)
        #expect(bytes.string("error")?.contains("UTF-8") == true)

        let empty = try #require(await postWin(port: daemon.port, token: token, ""))
        #expect(empty.status == 400)
        #expect(empty.string("error")?.contains("empty") == true)

        let wrongType = try #require(
            await httpRequest(
                port: daemon.port, "POST", "/v1/wins", token: token, contentType: "text/plain",
                body: Array(winLine("type-1", operator: "casino-a").utf8)))
        #expect(wrongType.status == 415)
        let noType = try #require(
            await httpRequest(
                port: daemon.port, "POST", "/v1/wins", token: token, body: Array(winLine("type-2", operator: "casino-a").utf8)))
        #expect(noType.status == 415)
        #expect(try daemon.probe.count() == 0)
    }

    @Test func aBatchAnswersEveryLineInOrderWithCounts() async throws {
        let daemon = try await IngestDaemon(limits: #"{"maxLinesPerRequest": 10}"#)
        let token = daemon.platformToken
        _ = try #require(await postWin(port: daemon.port, token: token, winLine("b-dup", operator: "casino-a")))
        _ = try #require(await postWin(port: daemon.port, token: token, winLine("b-conflict", operator: "casino-a")))
        let tooLong = winLine("b-long", operator: "casino-a", extra: "\"platform\":\"\(String(repeating: "x", count: 70_000))\"")
        let lines = [
            winLine("b-new", operator: "casino-a"),
            "",
            winLine("b-dup", operator: "casino-a"),
            winLine("b-conflict", operator: "casino-a", amount: "99"),
            "{not json",
            tooLong,
            winLine("b-other", operator: "casino-b"),
        ]
        let answer = try #require(await postBatch(port: daemon.port, token: token, lines))
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.number("accepted") == 2)
        #expect(answer.number("duplicate") == 1)
        #expect(answer.number("conflict") == 1)
        #expect(answer.number("invalid") == 2)
        guard case .array(let results)? = answer.json?["results"] else {
            Issue.record("no results: \(answer.text)")
            return
        }
        let summary = results.map { result -> String in
            let object = result.objectValue
            let line: String
            if case .number(let digits)? = object?["line"] { line = digits } else { line = "?" }
            return "\(line) \(object?["reference"]?.stringValue ?? "-") \(object?["result"]?.stringValue ?? "?")"
        }
        #expect(
            summary == [
                "1 b-new accepted", "3 b-dup duplicate", "4 b-conflict conflict", "5 - invalid", "6 - invalid",
                "7 b-other accepted",
            ])
        #expect(results[4].objectValue?["reason"]?.stringValue?.contains("longer than the 65536-byte limit") == true)
        #expect(try daemon.probe.win("b-new") != nil && daemon.probe.win("b-other") != nil)
        #expect(try daemon.probe.win("b-conflict")?.amount == "55")

        let tooMany = try #require(
            await postBatch(
                port: daemon.port, token: token, (1...11).map { winLine("many-\($0)", operator: "casino-a") }))
        #expect(tooMany.status == 413)
        #expect(try daemon.probe.win("many-1") == nil)
    }

    @Test func statusShowsDeliveryAndIsScopedByToken() async throws {
        let daemon = try await IngestDaemon()
        _ = try #require(await postWin(port: daemon.port, token: daemon.platformToken, winLine("s-1", operator: "casino-a")))
        let delivered = try await eventually { try daemon.probe.win("s-1")?.state == .delivered }
        try #require(delivered)

        let status = try #require(await httpRequest(port: daemon.port, "GET", "/v1/wins/s-1", token: daemon.platformToken))
        #expect(status.status == 200)
        #expect(status.string("state") == "delivered")
        #expect(status.string("transactionId") == daemon.wallet.credit(for: "s-1")?.transactionId)
        #expect(status.number("attempts") == 1)
        #expect(status.number("deliveredAt") != nil)
        #expect(status.json?["lastError"] == .null)

        // A casino-b token neither sees casino-a's win nor learns that it exists.
        let scoped = try #require(await httpRequest(port: daemon.port, "GET", "/v1/wins/s-1", token: daemon.onlyBToken))
        #expect(scoped.status == 404)
        let unknown = try #require(await httpRequest(port: daemon.port, "GET", "/v1/wins/nope", token: daemon.platformToken))
        #expect(unknown.status == 404)
        let anonymous = try #require(await httpRequest(port: daemon.port, "GET", "/v1/wins/s-1"))
        #expect(anonymous.status == 401)
    }

    @Test func probesMetricsAndUnknownPathsAndMethods() async throws {
        let daemon = try await IngestDaemon()
        _ = try #require(await postWin(port: daemon.port, token: daemon.platformToken, winLine("m-1", operator: "casino-a")))

        #expect(await httpRequest(port: daemon.port, "GET", "/healthz")?.status == 200)
        let ready = try #require(await httpRequest(port: daemon.port, "GET", "/readyz"))
        #expect(ready.status == 200)
        #expect(ready.json?["ready"] == .bool(true))

        let metrics = try #require(await httpRequest(port: daemon.port, "GET", "/metrics"))
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        for family in [
            "jackpotd_wins{", "jackpotd_oldest_pending_age_seconds", "jackpotd_circuit_open", "jackpotd_ingest_commits_total",
            "jackpotd_ingest_writer_busy_seconds_total",
            "jackpotd_ingest_wins_total{result=\"accepted\"} 1", "jackpotd_ingest_requests_total{code=\"201\"} 1",
        ] {
            #expect(metrics.text.contains(family), "\(family) missing from\n\(metrics.text)")
        }
        let page = daemon.directory.write("metrics.prom", metrics.text)
        if let check = try promtoolCheckMetrics(page) {
            #expect(check.status == 0, "\(check.output)")
        }

        let missing = try #require(await httpRequest(port: daemon.port, "GET", "/v2/wins"))
        #expect(missing.status == 404)
        let deleteWins = try #require(await httpRequest(port: daemon.port, "DELETE", "/v1/wins", token: daemon.platformToken))
        #expect(deleteWins.status == 405)
        #expect(deleteWins.headers["allow"] == "POST")
        let postHealth = try #require(await httpRequest(port: daemon.port, "POST", "/healthz"))
        #expect(postHealth.status == 405)
        #expect(postHealth.headers["allow"] == "GET, HEAD")
        let getWins = try #require(await httpRequest(port: daemon.port, "GET", "/v1/wins", token: daemon.platformToken))
        #expect(getWins.status == 405)
    }
}

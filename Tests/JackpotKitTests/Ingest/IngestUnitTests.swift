import Testing
import JackpotConfiguration
import JackpotIngest
import JackpotWire

/// The listener's pure parts: routing, token checks, line splitting and the answers.
@Suite(.timeLimit(.minutes(2))) struct IngestUnitTests {
    @Test func routes() {
        #expect(IngestRoute(method: "POST", path: "/v1/wins") == .postWins)
        #expect(IngestRoute(method: "GET", path: "/v1/wins") == .methodNotAllowed(allow: "POST"))
        #expect(IngestRoute(method: "GET", path: "/v1/wins/a/b") == .getWin(reference: "a/b"))
        #expect(IngestRoute(method: "PUT", path: "/v1/wins/a") == .methodNotAllowed(allow: "GET, HEAD"))
        #expect(IngestRoute(method: "GET", path: "/v1/wins/") == .notFound)
        #expect(IngestRoute(method: "HEAD", path: "/healthz") == .healthz)
        #expect(IngestRoute(method: "DELETE", path: "/metrics") == .methodNotAllowed(allow: "GET, HEAD"))
        #expect(IngestRoute(method: "GET", path: "/") == .notFound)
        #expect(!IngestRoute.readyz.needsToken && IngestRoute.postWins.needsToken)
    }

    @Test func tokensMatchExactlyWhateverTheCaseOfBearer() {
        let tokens = IngestTokens([
            IngestToken(name: "a", token: "aaaaaaaaaaaaaaaa"),
            IngestToken(name: "b", token: "bbbbbbbbbbbbbbbb", operators: ["x"]),
        ])
        #expect(tokens.authenticate(authorization: "Bearer aaaaaaaaaaaaaaaa")?.name == "a")
        #expect(tokens.authenticate(authorization: "bearer bbbbbbbbbbbbbbbb")?.name == "b")
        #expect(tokens.authenticate(authorization: "Bearer aaaaaaaaaaaaaaa") == nil)
        #expect(tokens.authenticate(authorization: "Bearer aaaaaaaaaaaaaaaaa") == nil)
        #expect(tokens.authenticate(authorization: "Basic aaaaaaaaaaaaaaaa") == nil)
        #expect(tokens.authenticate(authorization: nil) == nil)
        #expect(tokens.authenticate(authorization: "Bearer bbbbbbbbbbbbbbbb")?.allows("y") == false)
        #expect(tokens.authenticate(authorization: "BEARER aaaaaaaaaaaaaaaa")?.name == "a")
        #expect(tokens.authenticate(authorization: "Bearer ") == nil)
        #expect(tokens.authenticate(authorization: "Bearer aaaaaaaaaaaaaaab") == nil)
        #expect(tokens.authenticate(authorization: "Bearerxaaaaaaaaaaaaaaaa") == nil)
    }

    @Test func linesSkipBlanksKeepNumbersAndStopAtTheLimit() {
        let body = Array("a\r\n\n  \nb\nc".utf8)
        let lines = WinsRequest.splitLines(body, maxLines: 3)
        #expect(lines?.map(\.number) == [1, 4, 5])
        #expect(lines?.map { String(decoding: $0.bytes, as: UTF8.self) } == ["a", "b", "c"])
        #expect(WinsRequest.splitLines(body, maxLines: 2) == nil)
    }

    @Test func contentTypes() {
        #expect(WinsRequest.Kind(contentType: "application/json; charset=utf-8") == .single)
        #expect(WinsRequest.Kind(contentType: "Application/X-NDJSON") == .batch)
        #expect(WinsRequest.Kind(contentType: "text/plain") == nil)
        #expect(WinsRequest.Kind(contentType: nil) == nil)
        #expect(WinsRequest.Kind(contentType: " application/json ;charset=utf-8") == .single)
        #expect(WinsRequest.Kind(contentType: "\tapplication/x-ndjson") == .batch)
        #expect(WinsRequest.Kind(contentType: "application/jsonx") == nil)
        #expect(WinsRequest.Kind(contentType: "application/json-seq") == nil)
        #expect(WinsRequest.Kind(contentType: "") == nil)
    }

    @Test func theParserKnowsExactlyTheKnownFields() {
        func refusal(_ key: String) -> WinValidationError? {
            #expect(throws: WinValidationError.self) { try WinLineParser.parse(Array("{\"\(key)\": 1}".utf8), now: 0) }
        }
        for field in WinLineParser.knownFields {
            // Refused for another reason (a missing field), never as unknown.
            let reason = refusal(field)?.reason
            #expect(reason != nil && reason?.hasPrefix("is not a known field") == false, "\(field): \(reason ?? "-")")
        }
        for other in ["", "Operator", "roundid", "hash", "providerId", "amounts", "extra "] {
            let error = refusal(other)
            #expect(error?.field == other && error?.reason.hasPrefix("is not a known field") == true, "\(other)")
        }
        #expect(WinLineParser.knownFields.count == 12)
    }

    @Test func theStoredAnswerIsTheSameBytesAsItsJSONObject() {
        for reference in ["585c1306f89c56f5ecfc2f5d", "quote\"back\\slash", "line\nbreak", "é-ü-\u{2028}", nil] {
            for (status, result) in [(201, "accepted"), (200, "duplicate")] {
                let fast = WinsRequest.stored(status, result == "accepted" ? "accepted" : "duplicate", reference: reference)
                let general = IngestAnswer.json(
                    status, JSONObject(["result": .string(result), "reference": reference.map { .string($0) } ?? .null]))
                #expect(fast.status == general.status)
                #expect(fast.headers.map(\.0) == general.headers.map(\.0) && fast.headers.map(\.1) == general.headers.map(\.1))
                #expect(fast.body == general.body, "\(String(decoding: fast.body, as: UTF8.self))")
            }
        }
    }
}

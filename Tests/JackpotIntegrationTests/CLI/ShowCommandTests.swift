import Foundation
import Testing
import JackpotCLI
import JackpotConfiguration
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct ShowCommandTests {
    static let secret = "op-secret-9f3c"
    static let authToken = "auth-credential-42"
    static let playerToken = "player-token-7d1e"

    /// One win with a player token, delivered on the second call (the first gets a 503).
    static func delivered(extra: String = "", amount: String = "55.5") async throws -> OpsFixture {
        let fixture = try OpsFixture([
            FixtureOperator("casino-a", secret: secret, query: "?authToken=\(authToken)", extra: extra)
        ])
        fixture.wallet("casino-a").enqueueFaults([.status(503, body: "{\"error\":1,\"description\":\"maintenance\"}")])
        try await fixture.enqueue([
            winLine(
                "show-1", operator: "casino-a", amount: amount, extra: "\"platform\":\"desktop\",\"token\":\"\(playerToken)\"")
        ])
        #expect(try await fixture.deliver { try $0.count(.delivered) == 1 })
        return fixture
    }

    /// The fields the operator must receive for `show-1`, built from the contract, not from our encoder.
    static func expectedFields(timestamp: String, amount: String) -> [(key: String, value: String)] {
        [
            ("userId", "421"), ("gameId", "Im_60_tumblefortune"), ("roundId", "5103188801"), ("amount", amount),
            ("reference", "show-1"), ("providerId", "luckymonaco"), ("timestamp", timestamp), ("jackpotId", "568"),
            ("platform", "desktop"), ("token", playerToken),
        ]
    }

    static func expectNoCredentials(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for credential in [secret, authToken, playerToken] {
            #expect(!text.contains(credential), "output shows \(credential)", sourceLocation: sourceLocation)
        }
    }

    /// The value of a `label:   value` line of `show`'s text output.
    static func field(_ label: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(label + ":") }
            .map { $0.dropFirst(label.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    @Test func jsonShowsStateAttemptsAndTheExactRequestWithoutCredentials() async throws {
        let fixture = try await Self.delivered()
        let result = await fixture.cli(["show", "show-1", "--json"])
        #expect(result.code == .success)
        Self.expectNoCredentials(result.output + result.errors)
        let win = try parseObject(result.output)

        #expect(win["reference"] == .string("show-1"))
        #expect(win["state"] == .string("delivered"))
        #expect(win["amount"] == .number("55.5"))
        #expect(win["token"] == .string("***"))
        #expect(win["attemptCount"] == .number("2"))
        let credit = try #require(fixture.wallet("casino-a").credit(for: "show-1"))
        #expect(credit.timesReceived == 1)
        #expect(win["transactionId"] == .string(credit.transactionId))

        let attempts = (win["attempts"]?.asArray ?? []).compactMap(\.objectValue)
        #expect(attempts.count == 2)
        #expect(attempts.first?["httpStatus"] == .number("503"))
        #expect(attempts.first?["outcome"] == .string("retry"))
        #expect(attempts.last?["attempt"] == .number("2"))
        #expect(attempts.last?["httpStatus"] == .number("200"))
        #expect(attempts.last?["outcome"] == .string("delivered"))
        #expect(attempts.last?["responseHead"]?.stringValue?.contains(credit.transactionId) == true)

        let request = try #require(win["request"]?.objectValue)
        #expect(request["method"] == .string("POST"))
        #expect(request["url"] == .string(fixture.wallet("casino-a").url + "?authToken=***"))
        let headers = try #require(request["headers"]?.objectValue)
        #expect(headers["Content-Type"] == .string("application/json; charset=utf-8"))
        #expect(headers["Accept"] == .string("application/json"))

        // The body as sent, token masked; its hash is the operator's hash of the real fields.
        let bodyText = try #require(request["body"]?.stringValue)
        let body = try parseObject(bodyText)
        let hash = try #require(request["hash"]?.stringValue)
        #expect(body["hash"] == .string(hash))
        #expect(body["token"] == .string("***"))
        #expect(body["amount"] == .number("55.5"))
        let timestamp = try #require(win["timestamp"]?.stringValue)
        #expect(body["timestamp"] == .string(timestamp))
        let sentFields: [(key: String, value: String)] = body.members.filter { $0.key != "hash" }.map { member in
            let value = member.value.stringValue ?? member.value.asNumberText ?? ""
            return (member.key, member.key == "token" ? Self.playerToken : value)
        }
        #expect(hash == RequestHash.compute(sentFields, secret: Self.secret))
        #expect(hash == RequestHash.compute(Self.expectedFields(timestamp: timestamp, amount: "55.5"), secret: Self.secret))
        #expect(request["hashedText"]?.stringValue?.hasSuffix("&token=***&userId=421<secret>") == true)
    }

    @Test func textShowsTheSameWithoutCredentials() async throws {
        let fixture = try await Self.delivered()
        let result = await fixture.cli(["show", "show-1"])
        #expect(result.code == .success)
        Self.expectNoCredentials(result.output + result.errors)
        let stored = try fixture.win("show-1")
        let config = try ConfigLoader.load(path: fixture.configPath, environment: [:]).config
        let request = try WireRequest.build(
            win: stored.win(), providerId: "luckymonaco", operator: try #require(config.operators["casino-a"]))
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(Self.field("state", in: result.output) == "delivered")
        #expect(Self.field("token", in: result.output) == "***")
        #expect(Self.field("transactionId", in: result.output) == stored.transactionId)
        #expect(lines.contains("  POST \(fixture.wallet("casino-a").url)?authToken=***"))
        #expect(lines.contains("  \(request.displayBody())"))
        #expect(result.output.contains("= \(request.hash)\n"))
        let attemptRows = lines.filter { $0.hasPrefix("  1 ") || $0.hasPrefix("  2 ") }
        #expect(attemptRows.count == 2)
        #expect(attemptRows.first?.contains(" 503 ") == true)
        #expect(attemptRows.last?.contains(" 200 ") == true && attemptRows.last?.contains(" delivered ") == true)
    }

    /// Form bodies show the token as a plain `***`, and a fixed-decimals amount is hashed as sent.
    @Test func formRequestWithFixedDecimals() async throws {
        let fixture = try await Self.delivered(extra: "\"encoding\": \"form\", \"amountDecimals\": 2", amount: "55.5")
        let result = await fixture.cli(["show", "show-1", "--json"])
        #expect(result.code == .success)
        Self.expectNoCredentials(result.output)
        let request = try #require(try parseObject(result.output)["request"]?.objectValue)
        let body = try #require(request["body"]?.stringValue)
        let hash = try #require(request["hash"]?.stringValue)
        let timestamp = try fixture.win("show-1").timestamp
        #expect(
            body == "hash=\(hash)&userId=421&gameId=Im_60_tumblefortune&roundId=5103188801&amount=55.50"
                + "&reference=show-1&providerId=luckymonaco&timestamp=\(timestamp)&jackpotId=568&platform=desktop&token=***")
        #expect(hash == RequestHash.compute(Self.expectedFields(timestamp: timestamp, amount: "55.50"), secret: Self.secret))
        #expect(request["headers"]?.objectValue?["Content-Type"] == .string("application/x-www-form-urlencoded"))
        #expect(fixture.wallet("casino-a").credit(for: "show-1")?.amount == "55.50")
    }

    /// With --db alone there is no operator config: the win and attempts show, the request does not.
    @Test func databaseAloneShowsTheWinButNotTheRequest() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("show-2", operator: "casino-a", extra: "\"token\":\"\(Self.playerToken)\"")])
        let text = await runCLI(["show", "show-2", "--db", fixture.databasePath])
        #expect(text.code == .success)
        #expect(Self.field("state", in: text.output) == "pending")
        #expect(text.output.contains("Attempts:\n  (none yet)\n"))
        #expect(text.output.contains("Request:\n  (pass --config to see the request)\n"))
        #expect(!text.output.contains(Self.playerToken))

        let json = try parseObject(await runCLI(["show", "show-2", "--json", "--db", fixture.databasePath]).output)
        #expect(json["request"] == .null)
        #expect(json["requestProblem"] == .string("pass --config to see the request"))
        #expect(json["attempts"] == .array([]))
        #expect(json["token"] == .string("***"))
    }

    @Test func unknownReferenceIsNamed() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("show-3", operator: "casino-a")])
        for arguments in [["show", "nope-1"], ["show", "nope-1", "--json"]] {
            let result = await fixture.cli(arguments)
            #expect(result.code == .failure)
            #expect(result.output.isEmpty)
            #expect(result.errors == "jackpotd show: error: no win with reference \"nope-1\"\n")
        }
    }

    @Test func twoReferencesAreAUsageError() async throws {
        let fixture = try OpsFixture()
        let result = await fixture.cli(["show", "a", "b"])
        #expect(result.code == .usage)
        #expect(firstLine(result.errors) == "jackpotd show: error: unexpected argument \"b\"")
    }
}

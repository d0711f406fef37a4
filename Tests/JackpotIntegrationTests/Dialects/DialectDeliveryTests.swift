import Foundation
import Testing
import TestSupport
import JackpotDelivery
import JackpotStore
import JackpotWire
import OperatorSimulator

/// The real dispatcher over loopback HTTP against simulated wallets that check
/// each call the way that wallet would (OperatorSimulator's `WalletDialect`,
/// written from the wallet's side): each dialect is credited once per win with
/// no hash failure, and the contract's default would have been refused.
/// Serialized: one daemon at a time keeps this suite from crowding the
/// timing-sensitive fault tests that run beside it on a 2-core machine.
@Suite(.serialized, .timeLimit(.minutes(5)), .oneTestPerCore) struct DialectDeliveryTests {
    static let secret = "dialect-key"
    static let fixedList = [
        "amount", "gameId", "jackpotId", "providerId", "reference", "roundId", "timestamp", "token", "userId",
    ]

    /// Enqueues wins through the library API, with optional dialect content.
    static func enqueue(
        _ references: [String], operator name: String, into path: String, platform: String? = nil, token: String? = nil,
        jackpotDetails: String? = nil, extra: [WireField] = []
    ) throws {
        let now = WallClock.nowMilliseconds()
        let wins = try references.map { reference in
            NewWin(
                JackpotWin(
                    operatorName: name, userId: "421", gameId: "Im_60_tumblefortune", roundId: "5103188801",
                    amount: try DecimalAmount(validating: "1250.50"), reference: reference, timestamp: String(now),
                    jackpotId: "568", platform: platform, token: token, jackpotDetails: jackpotDetails, extra: extra))
        }
        let results = try Outbox(path: path).enqueue(wins, now: now)
        try #require(results.allSatisfy { $0 == .accepted }, "\(results)")
    }

    /// Delivers `references` to `wallet` under the operator settings `dialect` and checks the books.
    static func deliver(
        to wallet: ScriptedOperator, dialect: String, urlSuffix: String = "", references: [String],
        enqueue: (String) throws -> Void
    ) async throws -> OutboxProbe {
        let directory = TemporaryDirectory()
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-b", url: wallet.url + urlSuffix, secret: Self.secret, extra: fastDelivery() + ", " + dialect)
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        try enqueue(directory.path("outbox.sqlite3"))
        let daemon = try RunningDispatcher(configPath: config)
        let delivered = try await eventually { try probe.allDelivered(references) }
        try await daemon.stop()
        #expect(delivered)
        #expect(wallet.snapshot.hashFailures == 0)
        #expect(wallet.snapshot.credited == references.count)
        for reference in references {
            let credit = try #require(wallet.credit(for: reference))
            #expect(credit.timesReceived == 1)
            #expect(credit.amount == "1250.5")
            #expect(try probe.win(reference)?.transactionId == credit.transactionId)
        }
        _ = directory
        return probe
    }

    @Test func fixedFieldListWithIncludeEmpty() async throws {
        let wallet = try ScriptedOperator(
            secret: Self.secret, dialect: WalletDialect(hashFields: Self.fixedList, includeEmpty: true))
        defer { wallet.stop() }
        let wins = winReferences("fixed", 6)
        let list = Self.fixedList.map { JSONWriter.quoted($0) }.joined(separator: ", ")
        _ = try await Self.deliver(
            to: wallet, dialect: #""hash": {"fields": [\#(list)], "includeEmpty": true}"#, references: wins
        ) { path in
            // Half with a token, half without; all with a platform that this wallet never hashes.
            try Self.enqueue(Array(wins.prefix(3)), operator: "casino-b", into: path, platform: "desktop", token: "tok-1")
            try Self.enqueue(Array(wins.suffix(3)), operator: "casino-b", into: path, platform: "desktop")
        }
        #expect(wallet.credit(for: wins[0])?.parameters["platform"] == "desktop")
    }

    @Test func queryParametersHashed() async throws {
        let wallet = try ScriptedOperator(secret: Self.secret, dialect: WalletDialect(includeQuery: true))
        defer { wallet.stop() }
        let wins = winReferences("query", 4)
        _ = try await Self.deliver(
            to: wallet, dialect: #""hash": {"includeQuery": true}"#, urlSuffix: "?authToken=abc%20def", references: wins
        ) { try Self.enqueue(wins, operator: "casino-b", into: $0, token: "tok") }
    }

    @Test func renamedFieldsExtraFieldsAndProviderIdInAFormWallet() async throws {
        let wallet = try ScriptedOperator(
            secret: Self.secret,
            dialect: WalletDialect(
                fieldNames: ["userId": "userid", "roundId": "roundid"],
                requiredParameters: ["brand": "b7", "providerId": "PragmaticPlay", "userid": "421"]))
        defer { wallet.stop() }
        let wins = winReferences("renamed", 4)
        _ = try await Self.deliver(
            to: wallet,
            dialect:
                #""encoding": "form", "fieldNames": {"userId": "userid", "roundId": "roundid"}, "extraFields": {"brand": "b7"}, "providerId": "PragmaticPlay""#,
            references: wins
        ) { try Self.enqueue(wins, operator: "casino-b", into: $0) }
        let parameters = try #require(wallet.credit(for: wins[0])?.parameters)
        #expect(parameters["userId"] == nil && parameters["roundid"] == "5103188801")
    }

    @Test(arguments: [false, true])
    func jackpotDetailsAndExtraArriveAsEnqueuedAndHashed(form: Bool) async throws {
        let wallet = try ScriptedOperator(secret: Self.secret, dialect: WalletDialect(encodeValues: true))
        defer { wallet.stop() }
        let wins = winReferences("details", 3)
        let details = try WinExtras.jackpotDetailsText(try JSONValue.parse(#"{"progressive": 200.25, "seed": 1.50}"#))
        let encoding = form ? #""encoding": "form", "# : ""
        _ = try await Self.deliver(
            to: wallet, dialect: encoding + #""hash": {"encodeValues": true}"#, references: wins
        ) { path in
            try Self.enqueue(
                wins, operator: "casino-b", into: path, jackpotDetails: details, extra: [WireField("sessionId", "s 1/2")])
        }
        for reference in wins {
            let parameters = try #require(wallet.credit(for: reference)?.parameters)
            #expect(parameters["jackpotDetails"] == #"{"progressive":200.25,"seed":1.50}"#)
            #expect(parameters["sessionId"] == "s 1/2")
        }
    }

    @Test func alreadyCreditedAfterALostFirstAnswerEndsDeliveredCreditedOnce() async throws {
        let wallet = try ScriptedOperator(secret: Self.secret, dialect: WalletDialect(alreadyCreditedCode: 61))
        defer { wallet.stop() }
        // The first call is credited but its answer is lost; the retry is answered 61.
        wallet.enqueueFaults([.creditThenReset])
        let directory = TemporaryDirectory()
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-b", url: wallet.url, secret: Self.secret,
                    extra: fastDelivery() + #", "alreadyCreditedErrorCodes": [61]"#)
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        try Self.enqueue(["again-1"], operator: "casino-b", into: directory.path("outbox.sqlite3"))
        let daemon = try RunningDispatcher(configPath: config)
        let delivered = try await eventually { try probe.allDelivered(["again-1"]) }
        try await daemon.stop()

        #expect(delivered)
        let win = try #require(try probe.win("again-1"))
        #expect(win.alreadyCreditedCode == 61)
        #expect(win.transactionId == "")
        #expect(win.attempts == 2)
        let credit = try #require(wallet.credit(for: "again-1"))
        #expect(credit.timesReceived == 2)
        #expect(wallet.snapshot.credited == 1)
        let attempts = try probe.attempts("again-1")
        #expect(attempts.map(\.outcome) == ["retry", "delivered"])
        #expect(attempts.last?.errorCode == 61)
        #expect(attempts.last?.detail == "delivered: reported as already credited (error 61)")
    }

    @Test func aWalletOfAnotherDialectRefusesEveryWinAndTheRunIsRecorded() async throws {
        let wallet = try ScriptedOperator(
            secret: Self.secret, dialect: WalletDialect(hashFields: Self.fixedList, includeEmpty: true))
        defer { wallet.stop() }
        let directory = TemporaryDirectory()
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-b", url: wallet.url, secret: Self.secret, extra: fastDelivery())
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        try Self.enqueue(winReferences("refused", 3), operator: "casino-b", into: directory.path("outbox.sqlite3"))
        let file = directory.path("jackpotd.prom")
        var settings = Dispatcher.Settings()
        settings.metricsFile = file
        settings.metricsIntervalMilliseconds = 100
        let daemon = try RunningDispatcher(configPath: config, settings: settings)
        let recorded = try await eventually { (try probe.operatorState("casino-b")?.refusal?.wins ?? 0) >= 3 }
        let exported = await eventually {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").contains { line in
                line.hasPrefix("jackpotd_operator_consecutive_refusals{error_code=\"110\",operator=\"casino-b\"} ")
                    && (Int(line.split(separator: " ").last ?? "") ?? 0) >= 3
            }
        }
        try await daemon.stop()

        #expect(recorded)
        #expect(exported, "\((try? String(contentsOfFile: file, encoding: .utf8)) ?? "no metrics file")")
        let check = try #require(try promtoolCheckMetrics(file), "promtool is not installed")
        #expect(check.status == 0, "\(check.output)")
        let refusal = try #require(try probe.operatorState("casino-b")?.refusal)
        #expect(refusal.code == 110)
        #expect(refusal.description == "Invalid hash")
        #expect(refusal.hint == "check secret and hash settings")
        #expect(wallet.snapshot.credited == 0)
        #expect(wallet.snapshot.hashFailures >= 3)
    }

    @Test func plainSQLRowsBeyondTheOperatorsLimitsAreParkedWithTheReason() async throws {
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        let directory = TemporaryDirectory()
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-b", url: wallet.url, secret: Self.secret,
                    extra: fastDelivery()
                        + #", "requireToken": true, "limits": {"referenceMaxLength": 12, "amountMaxDecimals": 2}"#)
            ])
        let path = directory.path("outbox.sqlite3")
        let probe = OutboxProbe(path)
        try Outbox(path: path).database.executeScript(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, token) VALUES
                ('sql-good', 'casino-b', '421', 'g', 'r', '12.50', '568', 't'),
                ('sql-long-reference', 'casino-b', '421', 'g', 'r', '12.50', '568', 't'),
                ('sql-decimals', 'casino-b', '421', 'g', 'r', '12.505', '568', 't'),
                ('sql-no-token', 'casino-b', '421', 'g', 'r', '12.50', '568', NULL);
            """)
        let daemon = try RunningDispatcher(configPath: config)
        let settled = try await eventually { try probe.count(.failed) == 3 && probe.allDelivered(["sql-good"]) }
        try await daemon.stop()

        #expect(settled)
        let expected = [
            "sql-long-reference": "reference is longer than 12 characters (limits.referenceMaxLength of this operator)",
            "sql-decimals": "amount has more than 2 decimal places (limits.amountMaxDecimals of this operator): 12.505",
            "sql-no-token": "token is required by this operator (requireToken)",
        ]
        for (reference, reason) in expected {
            let win = try #require(try probe.win(reference))
            #expect(win.state == .failed)
            #expect(win.attempts == 0)
            #expect(win.lastError?.contains(reason) == true, "\(reference): \(win.lastError ?? "-")")
        }
        #expect(wallet.snapshot.requests == 1)
    }
}

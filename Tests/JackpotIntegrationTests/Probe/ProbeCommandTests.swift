import Foundation
import Testing
import JackpotCLI
import TestSupport
import JackpotStore
import JackpotWire
import OperatorSimulator

/// `jackpotd probe` against simulated wallets on loopback, each started with
/// a dialect the probe's config does not know (the operator's block has no
/// dialect settings): the probe finds settings the wallet credits, and those
/// settings, pasted into a config, deliver real wins through the real
/// dispatcher. Flawed wallets are named for what they are. The wallet counts
/// every request it reads, so "never more than --max-calls" is counted where
/// it matters.
@Suite(.serialized, .timeLimit(.minutes(10)), .oneTestPerCore) struct ProbeCommandTests {
    static let secret = "probe-key"
    static let fixedList = [
        "amount", "gameId", "jackpotId", "providerId", "reference", "roundId", "timestamp", "token", "userId",
    ]

    struct Probed {
        let result: CLIResult
        let report: JSONObject
        let directory: TemporaryDirectory
        let configPath: String

        var snippet: JSONObject? { report["snippet"]?.objectValue }
        var findingCodes: [String] { (report["findings"]?.asArray ?? []).compactMap { $0.objectValue?["code"]?.stringValue } }
        func finding(_ code: String) -> JSONObject? {
            (report["findings"]?.asArray ?? []).compactMap(\.objectValue).first { $0["code"]?.stringValue == code }
        }
        var callCount: Int { report["calls"]?.asArray?.count ?? -1 }
    }

    /// Runs `probe casino-p --json --yes` against `url` with a config whose
    /// operator has no dialect settings.
    static func probe(
        url: String, userId: String = "421", arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Probed {
        let directory = TemporaryDirectory()
        let config = writeConfig(in: directory, operators: [TestOperator(name: "casino-p", url: url, secret: Self.secret)])
        _ = try Outbox(path: directory.path("outbox.sqlite3"))
        let result = await runCLI(
            ["probe", "casino-p", "--user-id", userId, "--yes", "--json", "--config", config] + arguments)
        let report = try parseObject(result.output, sourceLocation: sourceLocation)
        return Probed(result: result, report: report, directory: directory, configPath: config)
    }

    /// Pastes the snippet into a fresh config and delivers `count` wins to `wallet` with the real dispatcher.
    static func deliverWithSnippet(_ snippet: JSONObject, to wallet: ScriptedOperator, urlSuffix: String = "", count: Int = 3)
        async throws
    {
        let directory = TemporaryDirectory()
        let members = snippet.members.map { JSONWriter.quoted($0.key) + ": " + JSONWriter.serialize($0.value) }
        let extra = ([fastDelivery()] + members).joined(separator: ", ")
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-p", url: wallet.url + urlSuffix, secret: Self.secret, extra: extra)
            ])
        let path = directory.path("outbox.sqlite3")
        let references = winReferences("live", count)
        let now = WallClock.nowMilliseconds()
        let wins = try references.map { reference in
            NewWin(
                JackpotWin(
                    operatorName: "casino-p", userId: "421", gameId: "Im 60/tumble", roundId: "5103188801",
                    amount: try DecimalAmount(validating: "1250.50"), reference: reference, timestamp: String(now),
                    jackpotId: "568", platform: "desktop", jackpotDetails: #"{"progressive":200.25}"#))
        }
        try #require(try Outbox(path: path).enqueue(wins, now: now).allSatisfy { $0 == .accepted })
        let before = wallet.snapshot
        let probe = OutboxProbe(path)
        let daemon = try RunningDispatcher(configPath: config)
        let delivered = try await eventually { try probe.allDelivered(references) }
        try await daemon.stop()
        #expect(delivered)
        #expect(wallet.snapshot.hashFailures == before.hashFailures)
        for reference in references {
            let credit = try #require(wallet.credit(for: reference))
            #expect(credit.timesReceived == 1)
            #expect(try probe.win(reference)?.transactionId == credit.transactionId)
        }
    }

    /// Each dialect the simulator models, unknown to the probe's config.
    static let dialects: [(String, WalletDialect, String)] = [
        ("fixed hash list with includeEmpty", WalletDialect(hashFields: fixedList, includeEmpty: true), ""),
        ("URL query hashed", WalletDialect(includeQuery: true), "?authToken=abc%20def"),
        ("values percent-encoded", WalletDialect(encodeValues: true), ""),
        ("lower-case field names", WalletDialect(fieldNames: ["userId": "userid", "roundId": "roundid"]), ""),
        (
            "form only with lower-case names",
            WalletDialect(fieldNames: ["userId": "userid", "roundId": "roundid"], formOnly: true), ""
        ),
        ("form only, values percent-encoded", WalletDialect(encodeValues: true, formOnly: true), ""),
        ("already credited code", WalletDialect(alreadyCreditedCode: 61), ""),
    ]

    @Test(arguments: dialects.indices)
    func findsTheDialectAndItsSnippetDeliversRealWins(_ index: Int) async throws {
        let (name, dialect, suffix) = Self.dialects[index]
        let wallet = try ScriptedOperator(secret: Self.secret, dialect: dialect)
        defer { wallet.stop() }
        let probed = try await Self.probe(url: wallet.url + suffix)
        #expect(probed.result.code == .success, "\(name): \(probed.result.output) \(probed.result.errors)")
        let snippet = try #require(probed.snippet, "\(name): no snippet")
        #expect(wallet.snapshot.requests == probed.callCount)
        #expect(wallet.snapshot.requests <= 40)
        #expect(probed.finding("wrong-hash-refused") != nil, "\(name): \(probed.findingCodes)")
        if dialect.alreadyCreditedCode != nil {
            #expect(snippet["alreadyCreditedErrorCodes"] == .array([.number("61")]))
            #expect(probed.finding("already-credited-code") != nil)
        } else {
            #expect(probed.finding("repeat-not-credited") != nil, "\(name): \(probed.findingCodes)")
        }
        try await Self.deliverWithSnippet(snippet, to: wallet, urlSuffix: suffix)
    }

    /// A wallet written apart from the simulator: snake_case names, its own
    /// signed list, 401 "Wrong sign", HTTP 201 with `"error": "0"`.
    @Test func aWalletWrittenByOthersIsFoundFromItsWords() async throws {
        let wallet = try ForeignWallet(secret: Self.secret)
        defer { wallet.stop() }
        let probed = try await Self.probe(url: wallet.url)
        #expect(probed.result.code == .success, "\(probed.result.output) \(probed.result.errors)")
        let snippet = try #require(probed.snippet)
        #expect(snippet["fieldNames"] == .object(JSONObject([("userId", .string("user_id")), ("roundId", .string("round_id"))])))
        #expect(
            Set(probed.findingCodes).isSuperset(of: [
                "success-status", "error-as-string", "repeat-not-credited", "wrong-hash-refused",
            ]))
        #expect(wallet.requests == probed.callCount)

        // The snippet, pasted, delivers real wins (with platform and jackpotDetails, which this wallet does not sign).
        let directory = TemporaryDirectory()
        let members = snippet.members.map { JSONWriter.quoted($0.key) + ": " + JSONWriter.serialize($0.value) }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-p", url: wallet.url, secret: Self.secret,
                    extra: ([fastDelivery()] + members).joined(separator: ", "))
            ])
        let path = directory.path("outbox.sqlite3")
        let references = winReferences("foreign", 3)
        let now = WallClock.nowMilliseconds()
        let wins = try references.map { reference in
            NewWin(
                JackpotWin(
                    operatorName: "casino-p", userId: "421", gameId: "Im 60/tumble", roundId: "5103188801",
                    amount: try DecimalAmount(validating: "1250.50"), reference: reference, timestamp: String(now),
                    jackpotId: "568", platform: "desktop", jackpotDetails: #"{"progressive":200.25}"#))
        }
        try #require(try Outbox(path: path).enqueue(wins, now: now).allSatisfy { $0 == .accepted })
        let failuresBefore = wallet.signatureFailures
        let probe = OutboxProbe(path)
        let daemon = try RunningDispatcher(configPath: config)
        let delivered = try await eventually { try probe.allDelivered(references) }
        try await daemon.stop()
        #expect(delivered)
        #expect(wallet.signatureFailures == failuresBefore)
        for reference in references {
            #expect(try probe.win(reference)?.transactionId == wallet.credited(reference).map(String.init))
        }
    }

    /// Same transactionId for a repeat, but the balance in the answer grew: credited again.
    @Test func aRepeatBookedAgainUnderTheSameIdIsToldByTheBalance() async throws {
        let wallet = try ForeignWallet(secret: Self.secret, booksRepeatsAgain: true)
        defer { wallet.stop() }
        let probed = try await Self.probe(url: wallet.url)
        #expect(probed.result.code == .failure)
        let finding = try #require(probed.finding("repeat-credited-again"))
        #expect(finding["message"]?.stringValue?.contains("but the balance grew from") == true)
    }

    @Test func aWalletThatSkipsTheHashCheckIsCritical() async throws {
        let wallet = try ScriptedOperator(secret: Self.secret, dialect: WalletDialect(checksHash: false))
        defer { wallet.stop() }
        let probed = try await Self.probe(url: wallet.url)
        #expect(probed.result.code == .failure)
        let finding = try #require(probed.finding("wrong-hash-accepted"))
        #expect(finding["severity"] == .string("critical"))
        #expect(finding["message"]?.stringValue?.hasPrefix("accepts a wrong hash") == true)
        #expect(probed.report["exitCode"] == .number("1"))
    }

    @Test func aWalletThatCreditsRepeatsAgainIsCritical() async throws {
        let wallet = try ScriptedOperator(secret: Self.secret, dialect: WalletDialect(creditsRepeatsAgain: true))
        defer { wallet.stop() }
        let probed = try await Self.probe(url: wallet.url)
        #expect(probed.result.code == .failure)
        let finding = try #require(probed.finding("repeat-credited-again"))
        #expect(finding["severity"] == .string("critical"))
        #expect(finding["message"]?.stringValue?.hasPrefix("credits a repeated reference again") == true)
    }

    @Test func aWalletThatDoesNotKnowThePlayerIsNamed() async throws {
        let wallet = try ScriptedOperator(secret: Self.secret, dialect: WalletDialect(players: ["421"]))
        defer { wallet.stop() }
        let probed = try await Self.probe(url: wallet.url, userId: "qa-nobody")
        #expect(probed.result.code == .nothingWorked)
        let finding = try #require(probed.finding("unknown-player"))
        #expect(finding["message"]?.stringValue?.hasPrefix("the wallet does not know player qa-nobody: check --user-id") == true)
        // Step 1, then the player's field under one other name; nothing more.
        #expect(wallet.snapshot.requests == 2)
        #expect(wallet.snapshot.credited == 0)
    }

    @Test func aURLThatAnswers405ToPostIsNamed() async throws {
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        wallet.setFaultPlan { _ in .status(405, body: "Method Not Allowed") }
        let probed = try await Self.probe(url: wallet.url)
        #expect(probed.result.code == .nothingWorked)
        let finding = try #require(probed.finding("method-not-allowed"))
        #expect(finding["message"]?.stringValue?.hasPrefix("the URL answers 405 to POST") == true)
        #expect(wallet.snapshot.requests == 1)
    }

    /// A wallet nothing can satisfy gets exactly --max-calls calls, counted at the wallet.
    @Test(arguments: [1, 5, 12])
    func neverMoreCallsThanMaxCalls(_ maxCalls: Int) async throws {
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        wallet.setFaultPlan { _ in .errorCode(110, description: "Invalid hash") }
        let probed = try await Self.probe(url: wallet.url, arguments: ["--max-calls", String(maxCalls)])
        #expect(probed.result.code == .nothingWorked)
        #expect(wallet.snapshot.requests <= maxCalls)
        #expect(wallet.snapshot.requests == probed.callCount)
        #expect(probed.finding("no-setting-worked") != nil)
    }

    @Test func withoutYesAndWithoutATerminalNothingIsSent() async throws {
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        let directory = TemporaryDirectory()
        let config = writeConfig(in: directory, operators: [TestOperator(name: "casino-p", url: wallet.url, secret: Self.secret)])
        _ = try Outbox(path: directory.path("outbox.sqlite3"))
        let answer = directory.write("answer", "y\n")
        let result = await runCLI(["probe", "casino-p", "--user-id", "421", "--config", config], standardInputFile: answer)
        #expect(result.code == .usage)
        #expect(result.errors.contains("no terminal to confirm on: pass --yes to send these calls"))
        #expect(result.output.contains("At most 40 JackPotWin calls, each crediting 0.01"))
        #expect(result.output.contains("at most 0.40 credited to player 421"))
        #expect(wallet.snapshot.requests == 0)
    }

    /// Linux's `TIOCSPTLCK` and `TIOCGPTN` (function-like macros, not imported).
    static let setPseudoTerminalLock: UInt = 0x4004_5431
    static let getPseudoTerminalNumber: UInt = 0x8004_5430

    /// On a terminal the probe asks before the first call: "n" sends nothing, "y" sends.
    @Test(arguments: ["n", "y"])
    func onATerminalItAsksFirst(_ answer: String) async throws {
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        let directory = TemporaryDirectory()
        let config = writeConfig(in: directory, operators: [TestOperator(name: "casino-p", url: wallet.url, secret: Self.secret)])
        _ = try Outbox(path: directory.path("outbox.sqlite3"))
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        try #require(master >= 0)
        defer { close(master) }
        // grantpt/unlockpt/ptsname are hidden from Swift by glibc's feature macros; these are their ioctls.
        var unlocked: Int32 = 0
        var number: UInt32 = 0
        try #require(withUnsafeMutablePointer(to: &unlocked) { ioctl(master, Self.setPseudoTerminalLock, $0) } == 0)
        try #require(withUnsafeMutablePointer(to: &number) { ioctl(master, Self.getPseudoTerminalNumber, $0) } == 0)
        let terminal = "/dev/pts/\(number)"
        let slave = open(terminal, O_RDWR | O_NOCTTY)
        try #require(slave >= 0)
        defer { close(slave) }
        let line = Array((answer + "\n").utf8)
        try #require(write(master, line, line.count) == line.count)

        let result = await runCLI(["probe", "casino-p", "--user-id", "421", "--config", config], standardInputFile: terminal)
        #expect(result.errors.contains("Send these calls? [y/N] "))
        if answer == "n" {
            #expect(result.code == .usage)
            #expect(result.output.contains("Nothing sent."))
            #expect(wallet.snapshot.requests == 0)
        } else {
            #expect(result.code == .success, "\(result.output) \(result.errors)")
            #expect(wallet.snapshot.requests == 4)
        }
    }

    /// Every call is in the ops trail with its reference and answer; no win is enqueued.
    @Test func everyCallIsInTheOpsTrailAndNoneIsAWin() async throws {
        let wallet = try ScriptedOperator(secret: Self.secret, dialect: WalletDialect(encodeValues: true))
        defer { wallet.stop() }
        let probed = try await Self.probe(url: wallet.url)
        #expect(probed.result.code == .success)
        let outbox = try Outbox(path: probed.directory.path("outbox.sqlite3"))
        let trail = try outbox.recentOpsActions(limit: 100).reversed()
        let listed = try #require(probed.report["calls"]?.asArray)
        let calls = listed.compactMap(\.objectValue)
        #expect(trail.count == calls.count)
        for (action, call) in zip(trail, calls) {
            #expect(action.kind == .probe)
            #expect(action.operatorName == "casino-p")
            #expect(action.reference == call["reference"]?.stringValue)
            #expect(action.reference?.hasPrefix("probe-") == true)
            #expect(action.detail == call["answer"]?.stringValue)
        }
        #expect(try outbox.statusSnapshot(now: WallClock.nowMilliseconds()).operatorNames.isEmpty)
    }

    @Test func theTextReportShowsTheSnippetToPaste() async throws {
        let wallet = try ScriptedOperator(secret: Self.secret, dialect: WalletDialect(fieldNames: ["userId": "userid"]))
        defer { wallet.stop() }
        let directory = TemporaryDirectory()
        let config = writeConfig(in: directory, operators: [TestOperator(name: "casino-p", url: wallet.url, secret: Self.secret)])
        _ = try Outbox(path: directory.path("outbox.sqlite3"))
        let result = await runCLI(["probe", "casino-p", "--user-id", "421", "--yes", "--config", config])
        #expect(result.code == .success, "\(result.output) \(result.errors)")
        #expect(result.output.contains("Paste into the \"casino-p\" block of the config"))
        #expect(result.output.contains(#"    "fieldNames": {"userId":"userid"}"#))
        #expect(result.output.contains("ok       refuses a wrong hash"))
        #expect(result.output.contains("Result: a working dialect, and the wallet passed the checks"))
    }
}

import Foundation
import Testing
import JackpotCLI
import TestSupport
import JackpotStore
import JackpotWire

/// What ops and platform developers see of wallet dialects: enqueue refusing by
/// line, `show` printing the hashed string, already-credited deliveries named
/// in show/list/export, and `status` naming an operator that refuses every win.
@Suite(.timeLimit(.minutes(2))) struct DialectCLITests {
    static let dialect =
        #""encoding": "form", "requireToken": true, "limits": {"referenceMaxLength": 16, "amountMaxDecimals": 2}, "#
        + #""fieldNames": {"userId": "userid"}, "extraFields": {"brand": "b7"}, "hash": {"fields": ["amount", "brand", "reference", "token", "userid", "sessionId"], "includeEmpty": true}"#

    static func config(in directory: TemporaryDirectory) -> String {
        writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-b", url: "http://127.0.0.1:9/j?authToken=abc", secret: "op-secret", extra: dialect)
            ])
    }

    @Test func checkNamesEachBadDialectKeyByItsPath() async throws {
        let directory = TemporaryDirectory()
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-b", url: "http://127.0.0.1:9/j", secret: "s",
                    extra:
                        #""hash": {"fields": ["amount", "userid"], "includeEmtpy": true}, "extraFields": {"userId": "x"}"#)
            ])
        let result = await runCLI(["check", "--config", config])
        #expect(result.code == .usage)
        #expect(result.errors.contains(#"operators.casino-b.hash.fields[1]: unknown field "userid"; did you mean "userId"?"#))
        #expect(result.errors.contains(#"operators.casino-b.hash.includeEmtpy: unknown key; did you mean "includeEmpty"?"#))
        #expect(result.errors.contains("operators.casino-b.extraFields.userId: clashes with a standard field"))
        let good = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-b", url: "http://127.0.0.1:9/j", secret: "s", extra: Self.dialect)
            ])
        #expect(await runCLI(["check", "--config", good]).code == .success)
    }

    @Test func enqueueRejectsByLineWhatTheOperatorsWalletWouldRefuse() async throws {
        let directory = TemporaryDirectory()
        let config = Self.config(in: directory)
        let token = #""token":"tok-1""#
        let lines = [
            winLine(
                "ok-1", operator: "casino-b",
                extra: token + #","jackpotDetails":{"progressive": 200.25},"extra":{"sessionId":"s-1"}"#),
            winLine("no-token", operator: "casino-b"),
            winLine("reference-too-long", operator: "casino-b", extra: token),
            winLine("decimals", operator: "casino-b", amount: "1.255", extra: token),
            winLine("ok-2", operator: "casino-b", amount: "1250.50", extra: token + #","jackpotDetails":"progressive:200.25""#),
            winLine("bad-details", operator: "casino-b", extra: token + #","jackpotDetails":5"#),
            winLine("bad-extra", operator: "casino-b", extra: token + #","extra":{"sessionId":5}"#),
            winLine("std-extra", operator: "casino-b", extra: token + #","extra":{"userId":"x"}"#),
            winLine("clash", operator: "casino-b", extra: token + #","extra":{"brand":"x"}"#),
        ]
        let file = directory.write("wins.jsonl", lines.joined(separator: "\n"))
        let result = await runCLI(["enqueue", "--create", "--config", config, "--file", file])

        #expect(result.code == .failure)
        #expect(result.output == "accepted 2, duplicate 0, rejected 7\n")
        #expect(
            result.errors.split(separator: "\n").map(String.init) == [
                "line 2: token is required by this operator (requireToken)",
                "line 3: reference is longer than 16 characters (limits.referenceMaxLength of this operator)",
                "line 4: amount has more than 2 decimal places (limits.amountMaxDecimals of this operator): 1.255",
                "line 6: jackpotDetails must be a JSON object or a string, got number",
                "line 7: extra.sessionId must be a string, got number",
                "line 8: extra.userId is a standard field; give it as a top-level field",
                "line 9: extra.brand is already a field this operator receives (fieldNames or extraFields)",
            ])
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        #expect(try outbox.win(reference: "ok-1")?.jackpotDetails == #"{"progressive":200.25}"#)
        #expect(try outbox.win(reference: "ok-1")?.extra == #"{"sessionId":"s-1"}"#)
        #expect(try outbox.win(reference: "ok-2")?.jackpotDetails == "progressive:200.25")

        // The same line again is a duplicate; with other details, a conflict.
        let again = directory.write(
            "again.jsonl",
            [
                lines[0],
                winLine(
                    "ok-1", operator: "casino-b",
                    extra: token + #","jackpotDetails":{"progressive": 200.5},"extra":{"sessionId":"s-1"}"#),
            ].joined(separator: "\n"))
        let repeated = await runCLI(["enqueue", "--create", "--config", config, "--file", again])
        #expect(repeated.output == "accepted 0, duplicate 1, rejected 1\n")
        #expect(repeated.errors == "line 2: reference ok-1 already exists with a different jackpotDetails\n")
    }

    @Test func showPrintsTheExactHashedStringWithSecretAndTokenReplaced() async throws {
        let directory = TemporaryDirectory()
        let config = Self.config(in: directory)
        let file = directory.write(
            "wins.jsonl",
            winLine(
                "show-1", operator: "casino-b", extra: #""token":"tok-secret","extra":{"sessionId":"s-1"}"#))
        #expect(await runCLI(["enqueue", "--create", "--config", config, "--file", file]).code == .success)

        let text = await runCLI(["show", "show-1", "--config", config])
        #expect(text.code == .success)
        #expect(
            text.output.contains("  hashed: amount=55&brand=b7&reference=show-1&sessionId=s-1&token=***&userid=421<secret>\n"))
        #expect(!text.output.contains("tok-secret") && !text.output.contains("op-secret"))
        let json = await runCLI(["show", "show-1", "--config", config, "--json"])
        let request = try #require(try JSONValue.parse(json.output).objectValue?["request"]?.objectValue)
        #expect(
            request["hashedText"]?.stringValue == "amount=55&brand=b7&reference=show-1&sessionId=s-1&token=***&userid=421<secret>"
        )
        // The hash shown is the one computed over the real values.
        #expect(
            request["hash"]?.stringValue
                == MD5.hex("amount=55&brand=b7&reference=show-1&sessionId=s-1&token=tok-secret&userid=421op-secret"))
    }

    /// One win of `casino-b` (claimed on first use) recorded with `change` and an attempt answered `errorCode`.
    static func record(
        _ outbox: Outbox, reference: String, errorCode: Int, detail: String, change: RecordedOutcome.Change, now: Int64
    ) throws {
        _ = try outbox.claim(operator: "casino-b", limit: 10, owner: "test:1", leaseExpiresAt: now + 60_000, now: now)
        let win = try #require(try outbox.win(reference: reference))
        let attempt = AttemptRecord(
            winId: win.id, attempt: 1, startedAt: now, durationMs: 3, httpStatus: 200, errorCode: errorCode,
            outcome: change.label, detail: detail, responseHead: nil, daemon: "test:1")
        try outbox.database.transaction {
            try outbox.record([RecordedOutcome(winId: win.id, attempt: attempt, change: change)], owner: "test:1", now: now)
        }
    }

    @Test func alreadyCreditedDeliveriesAreNamedInShowListAndExport() async throws {
        let directory = TemporaryDirectory()
        let config = Self.config(in: directory)
        let file = directory.write("wins.jsonl", winLine("credited-1", operator: "casino-b", extra: #""token":"t""#))
        #expect(await runCLI(["enqueue", "--create", "--config", config, "--file", file]).code == .success)
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        try Self.record(
            outbox, reference: "credited-1", errorCode: 61, detail: "delivered: reported as already credited (error 61)",
            change: .delivered(Confirmation(transactionId: "", alreadyCreditedCode: 61)), now: WallClock.nowMilliseconds())

        let show = await runCLI(["show", "credited-1", "--config", config])
        #expect(
            show.output.contains(
                "confirmed:     the operator reported it as already credited (error 61); no transactionId given\n"))
        let list = await runCLI(["list", "--config", config])
        #expect(list.output.contains(" already credited (error 61)\n"), "\(list.output)")
        let listed = await runCLI(["list", "--config", config, "--json"])
        #expect(
            try JSONValue.parse(listed.output).objectValue?["deliveryNote"]?.stringValue
                == "the operator reported it as already credited (error 61); no transactionId given")
        let export = await runCLI(["export", "--config", config, "--format", "jsonl"])
        let record = try #require(try JSONValue.parse(export.output).objectValue)
        #expect(
            record["deliveryNote"]?.stringValue
                == "the operator reported it as already credited (error 61); no transactionId given")
        #expect(record["state"]?.stringValue == "delivered")
        let csv = await runCLI(["export", "--config", config])
        // deliveryNote, then finalizedAt and otherTransactionIds (empty for a delivered win).
        #expect(csv.output.contains(",the operator reported it as already credited (error 61); no transactionId given,,\n"))
    }

    @Test func statusNamesAnOperatorRefusingWinAfterWin() async throws {
        let directory = TemporaryDirectory()
        let config = Self.config(in: directory)
        let lines = ["r-1", "r-2", "r-3"].map { winLine($0, operator: "casino-b", extra: #""token":"t""#) }
        #expect(
            await runCLI([
                "enqueue", "--create", "--config", config, "--file", directory.write("w.jsonl", lines.joined(separator: "\n")),
            ]).code == .success)
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        let now = WallClock.nowMilliseconds()
        try Self.record(
            outbox, reference: "r-1", errorCode: 5, detail: "error 5: Invalid hash",
            change: .retry(nextAttemptAt: now + 9_000_000, reason: "error 5"), now: now)
        let one = await runCLI(["status", "--config", config])
        #expect(!one.output.contains("rejecting"), "one refusal is not a run")
        try Self.record(
            outbox, reference: "r-2", errorCode: 5, detail: "error 5: Invalid hash",
            change: .retry(nextAttemptAt: now + 9_000_000, reason: "error 5"), now: now + 1)

        let status = await runCLI(["status", "--config", config])
        let since = RefusalTime.clock(now)
        #expect(
            status.output.contains(
                "\n\ncasino-b rejecting: error 5 Invalid hash since \(since)\n  — check secret and hash settings (2 wins in a row)\n"
            ),
            "\(status.output)")
        #expect(status.output.split(separator: "\n").allSatisfy { $0.count <= 80 })
        let json = await runCLI(["status", "--config", config, "--json"])
        let refusing = try #require(
            try JSONValue.parse(json.output).objectValue?["operators"]?.objectValue?["casino-b"]?.objectValue?["refusing"]?
                .objectValue)
        #expect(refusing["errorCode"] == .number("5"))
        #expect(refusing["wins"] == .number("2"))
        #expect(refusing["hint"]?.stringValue == "check secret and hash settings")

        // Another answer ends the run.
        try Self.record(
            outbox, reference: "r-3", errorCode: 0, detail: "delivered, transactionId x",
            change: .delivered(Confirmation(transactionId: "x")), now: now + 2)
        #expect(!(await runCLI(["status", "--config", config])).output.contains("rejecting"))
    }
}

/// `HH:MM UTC` of a time, as `status` prints the start of a refusal run today.
enum RefusalTime {
    static func clock(_ milliseconds: Int64) -> String {
        let seconds = (milliseconds / 1000) % 86_400
        return String(format: "%02d:%02d UTC", Int(seconds / 3600), Int(seconds % 3600 / 60))
    }
}

extension RecordedOutcome.Change {
    var label: String {
        switch self {
        case .delivered: "delivered"
        case .retry: "retry"
        case .failed: "failed"
        case .released: "released"
        }
    }
}

import Foundation
import Testing
import JackpotCLI
import JackpotConfiguration
import JackpotWire

/// How refusals are read (their words, status and shape), how step 3's calls
/// become findings, and the snippet.
@Suite(.timeLimit(.minutes(2))) struct ProbeReadingTests {
    static let sent = ["hash", "userId", "gameId", "roundId", "amount", "reference", "providerId", "timestamp", "jackpotId"]

    static func answer(_ status: Int, _ body: String, headers: [String: String] = [:]) -> ProbeAnswer {
        ProbeAnswer.read(.success(HTTPResponseData(status: status, headers: headers, body: Array(body.utf8))))
    }

    static func symptom(_ status: Int, _ body: String, headers: [String: String] = [:]) -> ProbeSymptom? {
        guard case .refused(let refusal) = answer(status, body, headers: headers) else { return nil }
        return ProbeSymptom.read(refusal, sent: sent, userId: "421")
    }

    @Test(arguments: [
        (200, #"{"error":110,"description":"Invalid hash"}"#, ProbeSymptom.hash),
        (200, #"{"error":5,"description":"Wrong sign"}"#, .hash),
        (401, #"{"message":"Signature mismatch"}"#, .hash),
        (403, "Forbidden", .hash),
        (200, #"{"code":"E1","error":"Checksum failed"}"#, .hash),
        (400, #"{"error":1,"description":"Missing field userid"}"#, .missingField(standard: "userId", spellings: ["userid"])),
        (
            422, #"{"message":"The user id field is required."}"#,
            .missingField(standard: "userId", spellings: ["user_id", "userid"])
        ),
        (400, #"{"error":1,"description":"Missing field userId"}"#, .unreadBody),
        (400, #"{"error":1,"description":"Malformed body: not JSON"}"#, .unreadBody),
        (415, "Unsupported Media Type", .unreadBody),
        (500, "<html>Fatal error</html>", .unreadBody),
        (200, #"{"error":7,"description":"Bad parameters: providerId"}"#, .badValue(standard: "providerId")),
        (200, #"{"error":7,"description":"Unknown provider"}"#, .badValue(standard: "providerId")),
        (400, #"{"error":1,"description":"Invalid amount 0.01"}"#, .badValue(standard: "amount")),
        (200, #"{"error":120,"description":"Token expired"}"#, .badValue(standard: "token")),
        (200, #"{"error":2,"description":"Player not found"}"#, .unknownPlayer),
        (200, #"{"error":2,"description":"Player 421 not found"}"#, .deadEnd(.unknownPlayer("421"))),
        (200, #"{"error":7,"description":"Bad parameters: brand"}"#, .deadEnd(.unknownParameter("brand"))),
        (405, "Method Not Allowed", .deadEnd(.httpStatus(405))),
        (404, #"{"error":1,"description":"Unknown endpoint /x"}"#, .deadEnd(.httpStatus(404))),
        (503, "busy", .deadEnd(.unavailable(503))),
        (200, #"{"error":0,"description":"Success"}"#, .deadEnd(.noTransactionId)),
        (200, #"{"error":99,"description":"Something odd"}"#, .unexplained),
        (200, #"{"error":9,"description":"Error: timeout 'x'"}"#, .unexplained),
        (400, #"{"message":"The site_id field is required."}"#, .deadEnd(.unknownParameter("site_id"))),
    ])
    func refusalsAreReadFromTheirWords(_ status: Int, _ body: String, _ expected: ProbeSymptom) {
        #expect(Self.symptom(status, body) == expected, "\(status) \(body)")
    }

    @Test func transportFailuresAndRedirectsAreDeadEnds() {
        let refused = ProbeRefusal(transportFailure: .connection("Connection refused"))
        #expect(ProbeSymptom.read(refused, sent: Self.sent, userId: "421") == .deadEnd(.connection("Connection refused")))
        #expect(
            ProbeSymptom.read(ProbeRefusal(transportFailure: .tls("bad cert")), sent: Self.sent, userId: "421")
                == .deadEnd(.tls("bad cert")))
        #expect(
            Self.symptom(302, "", headers: ["location": "https://elsewhere/x"])
                == .deadEnd(.redirect(status: 302, location: "https://elsewhere/x")))
    }

    @Test func creditsKeepTheirQuirks() throws {
        guard case .credited(let credit) = Self.answer(201, #"{"transactionId":"t-1","cash":"9.50","bonus":"0","error":"0"}"#)
        else {
            Issue.record("not a credit")
            return
        }
        #expect(credit.status == 201 && credit.errorIsString && credit.balancesAreStrings)
        #expect(credit.confirmation.transactionId == "t-1")
    }

    static let amount = try! DecimalAmount(validating: "0.01")

    static func credit(_ id: String, cash: String? = nil) -> ProbeCredit {
        ProbeCredit(confirmation: Confirmation(transactionId: id, cash: cash))
    }

    static func codes(_ checks: ProbeChecks, _ severity: ProbeFinding.Severity) -> [String] {
        checks.findings.filter { $0.severity == severity }.map(\.code)
    }

    @Test func aSafeWalletPassesEveryCheck() {
        let checks = ProbeChecks(
            first: Self.credit("t-1", cash: "10.01"), repeated: .credited(Self.credit("t-1", cash: "10.01")),
            another: .credited(Self.credit("t-2", cash: "10.02")),
            wrongHash: .refused(ProbeRefusal(status: 200, errorCode: 110, description: "Invalid hash", isJSON: true)),
            amount: Self.amount)
        #expect(Self.codes(checks, .ok) == ["repeat-not-credited", "wrong-hash-refused"])
        #expect(Self.codes(checks, .critical).isEmpty && Self.codes(checks, .warning).isEmpty)
    }

    @Test func aRepeatCreditedAgainIsCriticalByIdOrByBalance() {
        let byId = ProbeChecks(first: Self.credit("t-1"), repeated: .credited(Self.credit("t-2")), amount: Self.amount)
        #expect(Self.codes(byId, .critical) == ["repeat-credited-again"])
        let byBalance = ProbeChecks(
            first: Self.credit("t-1", cash: "99.99"), repeated: .credited(Self.credit("t-1", cash: "100")), amount: Self.amount)
        #expect(Self.codes(byBalance, .critical) == ["repeat-credited-again"])
    }

    @Test func aWrongHashCreditedIsCriticalAndAConstantIdAWarning() {
        let checks = ProbeChecks(
            first: Self.credit("1"), repeated: .credited(Self.credit("1")), another: .credited(Self.credit("1")),
            wrongHash: .credited(Self.credit("1")), amount: Self.amount)
        #expect(Self.codes(checks, .critical) == ["wrong-hash-accepted"])
        #expect(Self.codes(checks, .warning) == ["transaction-id-constant"])
    }

    @Test func anAlreadyCreditedCodeGoesIntoTheSnippet() throws {
        let repeated = ProbeRefusal(
            status: 200, errorCode: 61, description: "Transaction already exists. No action required.", isJSON: true)
        let checks = ProbeChecks(first: Self.credit("t-1"), repeated: .refused(repeated), amount: Self.amount)
        #expect(checks.alreadyCreditedCode == 61)
        #expect(Self.codes(checks, .info) == ["already-credited-code"])
        let other = ProbeChecks(
            first: Self.credit("t-1"),
            repeated: .refused(ProbeRefusal(status: 200, errorCode: 3, description: "Error", isJSON: true)),
            amount: Self.amount)
        #expect(other.alreadyCreditedCode == nil)
        #expect(Self.codes(other, .warning).contains("repeat-refused"))
    }

    @Test func theSnippetNamesOnlyWhatDiffersFromTheContract() throws {
        var candidate = ProbeCandidate()
        candidate.encoding = .form
        candidate.fieldNames = ["roundId": "round_id", "userId": "user_id"]
        candidate.hashFields = ["userId", "amount", "token"]
        candidate.includeEmpty = true
        let config = OperatorConfig(name: "casino-p", url: "https://w.example/win", secret: "k")
        let members = ProbeSnippet.members(candidate, operator: config, alreadyCreditedCode: nil)
        #expect(
            ProbeSnippet.text(members) == """
                "encoding": "form",
                "fieldNames": {"userId":"user_id","roundId":"round_id"},
                "hash": {"fields":["user_id","amount","token"],"includeEmpty":true}
                """)
        #expect(ProbeSnippet.members(ProbeCandidate(), operator: config, alreadyCreditedCode: nil).count == 0)
    }

    /// 999 is a no-retry code by default; as "already credited" it must leave that list.
    @Test func anAlreadyCreditedCodeLeavesTheNoRetryCodes() {
        let config = OperatorConfig(name: "casino-p", url: "https://w.example/win", secret: "k")
        let members = ProbeSnippet.members(ProbeCandidate(), operator: config, alreadyCreditedCode: 999)
        #expect(members["alreadyCreditedErrorCodes"] == .array([.number("999")]))
        #expect(members["noRetryErrorCodes"] == .array([.number("120")]))
    }

    @Test func checksTheBudgetDidNotAllowAreWarnings() {
        let checks = ProbeChecks(first: Self.credit("t-1"), amount: Self.amount)
        #expect(Self.codes(checks, .warning) == ["repeat-not-checked", "second-win-not-checked", "wrong-hash-not-checked"])
    }
}

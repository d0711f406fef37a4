import Foundation
import Testing
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct AttemptOutcomeTests {
    /// Wed, 21 Oct 2015 07:28:00 GMT.
    static let now = Date(timeIntervalSince1970: 1_445_412_480)
    static let defaultNoRetry: Set<Int> = [120, 999]

    static func http(_ status: Int, _ body: String = "", headers: [String: String] = [:], truncated: Bool = false)
        -> HTTPExchangeResult
    {
        .success(HTTPResponseData(status: status, headers: headers, body: Array(body.utf8), bodyTruncated: truncated))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let result: HTTPExchangeResult
        var noRetry: Set<Int> = AttemptOutcomeTests.defaultNoRetry
        let expected: AttemptOutcome
        let label: String
        let summary: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "delivered, string id",
            result: http(
                200, #"{"transactionId":"tx-9","currency":"USD","cash":"10.50","bonus":"0","error":0,"description":"Success"}"#),
            expected: .delivered(Confirmation(transactionId: "tx-9", currency: "USD", cash: "10.50", bonus: "0")),
            label: "delivered", summary: "delivered, transactionId tx-9"),
        Case(
            name: "delivered, numeric id above 2^53, error absent",
            result: http(201, #"{"transactionId":9007199254740993,"cash":99899.99}"#),
            expected: .delivered(Confirmation(transactionId: "9007199254740993", cash: "99899.99")),
            label: "delivered", summary: "delivered, transactionId 9007199254740993"),
        Case(
            name: "timeout", result: .failure(.timeout),
            expected: .retry(.transport(.timeout), retryAfterSeconds: nil), label: "retry", summary: "timeout"),
        Case(
            name: "connection refused", result: .failure(.connection("Connection refused")),
            expected: .retry(.transport(.connection("Connection refused")), retryAfterSeconds: nil),
            label: "retry", summary: "connection failed: Connection refused"),
        Case(
            name: "tls", result: .failure(.tls("certificate expired")),
            expected: .retry(.transport(.tls("certificate expired")), retryAfterSeconds: nil),
            label: "retry", summary: "TLS failure: certificate expired"),
        Case(
            name: "302 with Location",
            result: http(302, "", headers: ["location": "https://evil.example/x?authToken=abc"]),
            expected: .retry(.redirect(status: 302, location: "https://evil.example/x?authToken=abc"), retryAfterSeconds: nil),
            label: "retry", summary: "HTTP 302 redirect to https://evil.example/x?authToken=*** (not followed)"),
        Case(
            name: "301 without Location", result: http(301),
            expected: .retry(.redirect(status: 301, location: nil), retryAfterSeconds: nil),
            label: "retry", summary: "HTTP 301 redirect without Location (not followed)"),
        Case(
            name: "oversize 200 body", result: http(200, #"{"transactionId":"x"#, truncated: true),
            expected: .retry(.bodyTooLarge, retryAfterSeconds: nil),
            label: "retry", summary: "response body larger than 65536 bytes"),
        Case(
            name: "oversize 503 body keeps the status", result: http(503, "<html>", truncated: true),
            expected: .retry(.httpStatus(503), retryAfterSeconds: nil), label: "retry", summary: "HTTP 503"),
        Case(
            name: "429 Retry-After seconds", result: http(429, "slow down", headers: ["retry-after": "120"]),
            expected: .retry(.httpStatus(429), retryAfterSeconds: 120), label: "retry", summary: "HTTP 429, Retry-After 120s"),
        Case(
            name: "503 Retry-After date",
            result: http(503, "", headers: ["retry-after": "Wed, 21 Oct 2015 07:30:00 GMT"]),
            expected: .retry(.httpStatus(503), retryAfterSeconds: 120), label: "retry", summary: "HTTP 503, Retry-After 120s"),
        Case(
            name: "503 Retry-After garbage", result: http(503, "", headers: ["retry-after": "later"]),
            expected: .retry(.httpStatus(503), retryAfterSeconds: nil), label: "retry", summary: "HTTP 503"),
        Case(
            name: "500 ignores Retry-After", result: http(500, "oops", headers: ["retry-after": "5"]),
            expected: .retry(.httpStatus(500), retryAfterSeconds: nil), label: "retry", summary: "HTTP 500"),
        Case(
            name: "400 with no-retry error code gives up",
            result: http(400, #"{"error":120,"description":"Player blocked"}"#),
            expected: .giveUp(errorCode: 120, description: "Player blocked"), label: "failed",
            summary: "error 120: Player blocked"),
        Case(
            name: "400 with retryable error code", result: http(400, #"{"error":100}"#),
            expected: .retry(.httpStatus(400), retryAfterSeconds: nil), label: "retry", summary: "HTTP 400"),
        Case(
            name: "200 HTML", result: http(200, "<html>ok</html>"),
            expected: .retry(.unparseableBody("not JSON (unexpected character at byte 0)"), retryAfterSeconds: nil),
            label: "retry", summary: "unparseable body: not JSON (unexpected character at byte 0)"),
        Case(
            name: "200 empty", result: http(200),
            expected: .retry(.unparseableBody("empty body"), retryAfterSeconds: nil),
            label: "retry", summary: "unparseable body: empty body"),
        Case(
            name: "200 error 100 retries", result: http(200, #"{"error":100,"description":"Insufficient funds"}"#),
            expected: .retry(.errorCode(100, description: "Insufficient funds"), retryAfterSeconds: nil),
            label: "retry", summary: "error 100: Insufficient funds"),
        Case(
            name: "200 error 120 gives up",
            result: http(200, #"{"transactionId":null,"error":120,"description":"Player blocked"}"#),
            expected: .giveUp(errorCode: 120, description: "Player blocked"), label: "failed",
            summary: "error 120: Player blocked"),
        Case(
            name: "200 error 999 as string gives up", result: http(200, #"{"error":"999"}"#),
            expected: .giveUp(errorCode: 999, description: nil), label: "failed", summary: "error 999"),
        Case(
            name: "custom no-retry set: 100 gives up", result: http(200, #"{"error":100}"#), noRetry: [100],
            expected: .giveUp(errorCode: 100, description: nil), label: "failed", summary: "error 100"),
        Case(
            name: "custom no-retry set: 120 retries", result: http(200, #"{"error":120,"description":"x"}"#), noRetry: [100],
            expected: .retry(.errorCode(120, description: "x"), retryAfterSeconds: nil), label: "retry", summary: "error 120: x"),
        Case(
            name: "error 0 without transactionId", result: http(200, #"{"error":0}"#),
            expected: .retry(.missingTransactionId, retryAfterSeconds: nil), label: "retry",
            summary: "no transactionId in the answer"),
        Case(
            name: "blank transactionId", result: http(200, #"{"transactionId":"  ","error":0}"#),
            expected: .retry(.missingTransactionId, retryAfterSeconds: nil), label: "retry",
            summary: "no transactionId in the answer"),
        Case(
            name: "error with transactionId is not a delivery", result: http(200, #"{"transactionId":"t","error":1}"#),
            expected: .retry(.errorCode(1, description: nil), retryAfterSeconds: nil), label: "retry", summary: "error 1"),
        Case(
            name: "wrong-typed field", result: http(200, #"{"transactionId":false}"#),
            expected: .retry(.unparseableBody("transactionId: expected a string or number, got boolean"), retryAfterSeconds: nil),
            label: "retry", summary: "unparseable body: transactionId: expected a string or number, got boolean"),
        Case(
            name: "multi-line description is flattened", result: http(200, "{\"error\":100,\"description\":\"a\\nb\"}"),
            expected: .retry(.errorCode(100, description: "a\nb"), retryAfterSeconds: nil), label: "retry",
            summary: "error 100: a b"),
    ]

    @Test(arguments: cases)
    func classifies(testCase: Case) {
        let outcome = AttemptOutcome.classify(testCase.result, noRetryErrorCodes: testCase.noRetry, now: Self.now)
        #expect(outcome == testCase.expected)
        #expect(outcome.outcomeLabel == testCase.label)
        #expect(outcome.summary == testCase.summary)
    }

    @Test(arguments: [
        (RetryReason.transport(.timeout), true),
        (.transport(.connection("reset")), true),
        (.transport(.tls("bad cert")), true),
        (.transport(.other("?")), true),
        (.httpStatus(502), true),
        (.httpStatus(503), true),
        (.httpStatus(504), true),
        (.httpStatus(500), false),
        (.httpStatus(429), false),
        (.httpStatus(404), false),
        (.redirect(status: 302, location: nil), false),
        (.unparseableBody("x"), false),
        (.bodyTooLarge, true),
        (.missingTransactionId, false),
        (.errorCode(100, description: nil), false),
    ])
    func transportLevelFailuresFeedTheCircuit(reason: RetryReason, expected: Bool) {
        #expect(reason.isTransportLevel == expected)
    }

    @Test func longOperatorDescriptionsAreCut() {
        let description = String(repeating: "x", count: 500)
        let outcome = AttemptOutcome.classify(
            Self.http(200, #"{"error":100,"description":"\#(description)"}"#), noRetryErrorCodes: [], now: Self.now)
        #expect(outcome.summary == "error 100: " + String(repeating: "x", count: 200) + "…")
        #expect(outcome.retryReason == .errorCode(100, description: description))
    }

    /// Cut after 200 characters, however many bytes they take; C0 controls and DEL become spaces.
    @Test(arguments: [
        (String(repeating: "x", count: 200), String(repeating: "x", count: 200)),
        (String(repeating: "é", count: 200), String(repeating: "é", count: 200)),
        (String(repeating: "é", count: 201), String(repeating: "é", count: 200) + "…"),
        ("a\u{7F}b\tc\r\n", "a b c  "),
    ])
    func operatorTextIsOneShortLine(description: String, shown: String) {
        let outcome = AttemptOutcome.retry(.errorCode(100, description: description), retryAfterSeconds: nil)
        #expect(outcome.summary == "error 100: " + shown)
    }
}

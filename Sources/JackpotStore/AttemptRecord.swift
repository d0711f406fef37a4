/// One row of the attempt log: the audit trail of every call made for a win.
package struct AttemptRecord: Sendable, Hashable {
    package var winId: Int64
    package var attempt: Int
    package var startedAt: Int64
    package var durationMs: Double
    package var httpStatus: Int?
    package var errorCode: Int?
    /// `delivered`, `retry` or `failed`.
    package var outcome: String
    package var detail: String
    /// The first bytes of the operator's answer, for disputes.
    package var responseHead: String?
    package var daemon: String
    /// During a secret rotation, which secret signed the call; nil when the operator has one.
    package var secret: SecretChoice?

    package static let responseHeadLimit = 256

    package init(
        winId: Int64, attempt: Int, startedAt: Int64, durationMs: Double, httpStatus: Int?, errorCode: Int?,
        outcome: String, detail: String, responseHead: String?, daemon: String, secret: SecretChoice? = nil
    ) {
        self.winId = winId
        self.attempt = attempt
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.outcome = outcome
        self.detail = detail
        self.responseHead = responseHead
        self.daemon = daemon
        self.secret = secret
    }

    init(row: Row) {
        winId = row.int64("win_id") ?? 0
        attempt = row.int("attempt") ?? 0
        startedAt = row.int64("started_at") ?? 0
        durationMs = row.double("duration_ms") ?? 0
        httpStatus = row.int("http_status")
        errorCode = row.int("error_code")
        outcome = row.string("outcome") ?? ""
        detail = row.string("detail") ?? ""
        responseHead = row.string("response_head")
        daemon = row.string("daemon") ?? ""
        secret = row.string("secret").flatMap(SecretChoice.init(rawValue:))
    }
}

/// One row of the attempt log: the audit trail of every call made for a win.
public struct AttemptRecord: Sendable, Hashable {
    public var winId: Int64
    public var attempt: Int
    public var startedAt: Int64
    public var durationMs: Double
    public var httpStatus: Int?
    public var errorCode: Int?
    /// `delivered`, `retry` or `failed`.
    public var outcome: String
    public var detail: String
    /// The first bytes of the operator's answer, for disputes.
    public var responseHead: String?
    public var daemon: String

    public static let responseHeadLimit = 256

    public init(
        winId: Int64, attempt: Int, startedAt: Int64, durationMs: Double, httpStatus: Int?, errorCode: Int?,
        outcome: String, detail: String, responseHead: String?, daemon: String
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
    }
}

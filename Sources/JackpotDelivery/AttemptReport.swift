import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire
/// What one call produced, before it is written to the outbox.
struct AttemptReport: Sendable {
    let win: ReadyWin
    let operatorName: String
    /// 1-based attempt number for this win.
    let attempt: Int
    let startedAt: Int64
    let durationMs: Double
    let outcome: AttemptOutcome
    let httpStatus: Int?
    let responseHead: String?
    /// `outcome.summary` without the call's token, secret and URL credentials: what is stored and logged.
    let detail: String

    /// Makes the call and classifies the answer. Never throws: every failure is an outcome.
    /// `operatorSecrets` hides the operator's secret and URL credentials; the win's token is added here.
    static func perform(
        _ win: ReadyWin, request: HTTPRequestData, operatorConfig: OperatorConfig, operatorSecrets: SecretScrubber, transport: any HTTPTransport,
        clock: @Sendable () -> Int64
    ) async -> AttemptReport {
        let startedAt = clock()
        let start = ContinuousClock.now
        let result = await transport.send(request, timeoutSeconds: operatorConfig.timeoutSeconds)
        let elapsed = ContinuousClock.now - start
        let durationMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let outcome = AttemptOutcome.classify(
            result, noRetryErrorCodes: operatorConfig.noRetryErrorCodes,
            alreadyCreditedErrorCodes: operatorConfig.alreadyCreditedErrorCodes, now: .now)
        let scrubber = operatorSecrets.adding(win.stored.token.map { [$0] } ?? [])
        var status: Int?
        var head: String?
        var detail = outcome.summary
        if case .success(let response) = result {
            status = response.status
            if response.timesSent > 1 {
                detail += "; the request was sent \(response.timesSent) times (a kept-alive connection was closed before an answer)"
            }
            // Masked before the cut: a token cut in half at the limit would not be found after it.
            let text = String(decoding: response.body.prefix(AttemptRecord.responseHeadLimit + 1024), as: UTF8.self)
            head = String(scrubber.scrubbed(text).prefix(AttemptRecord.responseHeadLimit))
        }
        return AttemptReport(
            win: win, operatorName: operatorConfig.name, attempt: win.stored.attempts + 1, startedAt: startedAt,
            durationMs: durationMs, outcome: outcome, httpStatus: status, responseHead: head,
            detail: scrubber.scrubbed(detail))
    }

    /// The operator's error code, when its answer carried one.
    var errorCode: Int? {
        switch outcome {
        case .delivered(let confirmation): confirmation.alreadyCreditedCode
        case .giveUp(let code, _): code
        case .retry(.errorCode(let code, _), _): code
        default: nil
        }
    }
}

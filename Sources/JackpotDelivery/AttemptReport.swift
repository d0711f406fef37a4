import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotWire
/// What one call produced, before it is written to the outbox.
struct AttemptReport: Sendable {
    let win: ReadyWin
    let operatorName: String
    /// 1-based attempt number for this win.
    let attempt: Int
    var startedAt: Int64
    var durationMs: Double
    let outcome: AttemptOutcome
    let httpStatus: Int?
    let responseHead: String?
    /// `outcome.summary` without the call's token, secret and URL credentials: what is stored and logged.
    var detail: String
    /// During a secret rotation, which secret signed the call; nil otherwise.
    var secret: SecretChoice?

    /// Makes the call and classifies the answer. Never throws: every failure is an outcome.
    /// `operatorSecrets` hides the operator's secret and URL credentials; the win's token is added here.
    /// `startedAt` is when the call was permitted; its duration is timed from when the request is handed over.
    static func perform(
        _ win: ReadyWin, request: HTTPRequestData, operatorConfig: OperatorConfig, operatorSecrets: SecretScrubber,
        transport: any HTTPTransport, startedAt: Int64
    ) async -> AttemptReport {
        let start = ContinuousClock.now
        let result = await transport.send(request, timeoutSeconds: operatorConfig.timeoutSeconds)
        let elapsed = ContinuousClock.now - start
        let durationMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let outcome = AttemptOutcome.classify(
            result, noRetryErrorCodes: operatorConfig.noRetryErrorCodes,
            alreadyCreditedErrorCodes: operatorConfig.alreadyCreditedErrorCodes, now: .now, requestURL: request.url)
        let scrubber = operatorSecrets.adding(win.stored.token.map { [$0] } ?? [])
        var status: Int?
        var head: String?
        var detail = outcome.summary
        if case .success(let response) = result {
            status = response.status
            if response.timesSent > 1 {
                detail +=
                    "; the request was sent \(response.timesSent) times (a kept-alive connection was closed before an answer)"
            }
            // Masked before the cut: a token cut in half at the limit would not be found after it.
            let text = String(decoding: response.body.prefix(AttemptRecord.responseHeadLimit + 1024), as: UTF8.self)
            let scrubbed = scrubber.scrubbed(text)
            // No more bytes than the limit means no more characters: no cut to make.
            head =
                scrubbed.utf8.count <= AttemptRecord.responseHeadLimit
                ? scrubbed : String(scrubbed.prefix(AttemptRecord.responseHeadLimit))
        }
        return AttemptReport(
            win: win, operatorName: operatorConfig.name, attempt: win.stored.attempts + 1, startedAt: startedAt,
            durationMs: durationMs, outcome: outcome, httpStatus: status, responseHead: head,
            detail: scrubber.scrubbed(detail))
    }

    var isDelivered: Bool {
        if case .delivered = outcome { return true }
        return false
    }

    /// This report, marked as signed with `secret`.
    func signed(with secret: SecretChoice) -> AttemptReport {
        var report = self
        report.secret = secret
        return report
    }

    /// This call, made at once after `refused` was refused with the bad-hash
    /// code: one attempt of two calls, timed from the first, noted in the detail.
    func following(_ refused: AttemptReport, badHashCode: Int) -> AttemptReport {
        var report = self
        report.startedAt = refused.startedAt
        report.durationMs += refused.durationMs
        let refusedSecret = refused.secret?.rawValue ?? "current"
        report.detail +=
            " (sent again signed with the \(secret?.rawValue ?? "previous") secret after error \(badHashCode) to the \(refusedSecret) one)"
        return report
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

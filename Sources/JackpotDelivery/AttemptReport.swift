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
    /// The token, secret and URL credentials of this call: never stored or logged (`masked`).
    let hidden: [String]

    /// `text` from the operator's answer, safe to store and log.
    func masked(_ text: String) -> String { SecretScrubbing.scrubbed(text, hiding: hidden) }

    /// Makes the call and classifies the answer. Never throws: every failure is an outcome.
    static func perform(
        _ win: ReadyWin, operatorConfig: OperatorConfig, transport: any HTTPTransport, clock: @Sendable () -> Int64
    ) async -> AttemptReport {
        let startedAt = clock()
        let start = ContinuousClock.now
        let result = await transport.send(win.request.http, timeoutSeconds: operatorConfig.timeoutSeconds)
        let elapsed = ContinuousClock.now - start
        let durationMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let outcome = AttemptOutcome.classify(
            result, noRetryErrorCodes: operatorConfig.noRetryErrorCodes,
            alreadyCreditedErrorCodes: operatorConfig.alreadyCreditedErrorCodes, now: .now)
        let hidden = [win.stored.token, operatorConfig.secret].compactMap { $0 } + SecretScrubbing.urlSecrets(operatorConfig.url)
        var status: Int?
        var head: String?
        if case .success(let response) = result {
            status = response.status
            // Masked before the cut: a token cut in half at the limit would not be found after it.
            let text = String(decoding: response.body.prefix(AttemptRecord.responseHeadLimit + 1024), as: UTF8.self)
            head = String(SecretScrubbing.scrubbed(text, hiding: hidden).prefix(AttemptRecord.responseHeadLimit))
        }
        return AttemptReport(
            win: win, operatorName: operatorConfig.name, attempt: win.stored.attempts + 1, startedAt: startedAt,
            durationMs: durationMs, outcome: outcome, httpStatus: status, responseHead: head, hidden: hidden)
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

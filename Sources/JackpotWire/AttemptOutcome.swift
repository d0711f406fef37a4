import Foundation

/// What one delivery attempt means for the win. Every answer that is not a
/// confirmed delivery is retried, except the operator's no-retry error codes:
/// at-least-once delivery plus the operator's idempotency on `reference`
/// makes one credit, so retrying when in doubt is always the safe side.
package enum AttemptOutcome: Sendable, Hashable {
    case delivered(Confirmation)
    /// `retryAfterSeconds` comes only from a `Retry-After` header on 429/503.
    case retry(RetryReason, retryAfterSeconds: Double?)
    /// The operator answered with one of its no-retry error codes.
    case giveUp(errorCode: Int, description: String?)

    /// One function decides what an HTTP result means.
    ///
    /// `alreadyCreditedErrorCodes` are the operator's answers meaning "this
    /// reference was credited before" (e.g. 61 "Transaction already exists"): the
    /// player was paid, so the win ends delivered, with whatever id the answer has.
    ///
    /// `requestURL` is the URL called: a redirect's target is kept masked
    /// against it (`URLMasking.maskedRedirect`), since only the masked text is
    /// ever stored or shown.
    package static func classify(
        _ result: HTTPExchangeResult, noRetryErrorCodes: Set<Int>, alreadyCreditedErrorCodes: Set<Int> = [], now: Date,
        requestURL: String? = nil
    ) -> AttemptOutcome {
        let response: HTTPResponseData
        switch result {
        case .failure(let failure): return .retry(.transport(failure), retryAfterSeconds: nil)
        case .success(let value): response = value
        }

        // Redirects are never followed: the win's URL is configured, and a
        // redirect could send the player's token and the hash somewhere else.
        if (300..<400).contains(response.status) {
            let location = response.headers["location"].map { location in
                requestURL.map { URLMasking.maskedRedirect(location, requestURL: $0) } ?? location
            }
            return .retry(.redirect(status: response.status, location: location), retryAfterSeconds: nil)
        }

        guard (200..<300).contains(response.status) else {
            // A failing status can still carry a definitive wallet error (e.g. 400
            // with error 120); a cut-off body is not read, so the status decides.
            if !response.bodyTruncated, let answer = try? OperatorResponse.parse(response.body), let code = answer.error {
                if alreadyCreditedErrorCodes.contains(code) { return .delivered(.alreadyCredited(code, answer)) }
                if noRetryErrorCodes.contains(code) { return .giveUp(errorCode: code, description: answer.description) }
            }
            var retryAfter: Double?
            if response.status == 429 || response.status == 503, let header = response.headers["retry-after"] {
                retryAfter = RetryAfter.parse(header, now: now)
            }
            return .retry(.httpStatus(response.status), retryAfterSeconds: retryAfter)
        }

        if response.bodyTruncated { return .retry(.bodyTooLarge, retryAfterSeconds: nil) }
        let answer: OperatorResponse
        do {
            answer = try OperatorResponse.parse(response.body)
        } catch {
            return .retry(.unparseableBody(error.reason), retryAfterSeconds: nil)
        }
        // An absent `error` counts as 0: the wallet API's response table does not
        // list `error` as a field, so wallets following the table omit it on success.
        // A success without a transactionId is still caught below.
        if let code = answer.error, code != 0 {
            if alreadyCreditedErrorCodes.contains(code) { return .delivered(.alreadyCredited(code, answer)) }
            if noRetryErrorCodes.contains(code) { return .giveUp(errorCode: code, description: answer.description) }
            return .retry(.errorCode(code, description: answer.description), retryAfterSeconds: nil)
        }
        guard let transactionId = answer.transactionId, !transactionId.allSatisfy(\.isWhitespace) else {
            return .retry(.missingTransactionId, retryAfterSeconds: nil)
        }
        return .delivered(
            Confirmation(
                transactionId: transactionId, currency: answer.currency, cash: answer.cash, bonus: answer.bonus
            ))
    }

    /// The metrics/log label: `delivered`, `retry` or `failed`.
    package var outcomeLabel: String {
        switch self {
        case .delivered: "delivered"
        case .retry: "retry"
        case .giveUp: "failed"
        }
    }

    /// One line for the attempt log and `last_error`.
    package var summary: String {
        switch self {
        case .delivered(let confirmation):
            if let code = confirmation.alreadyCreditedCode {
                let id =
                    confirmation.transactionId.isEmpty ? "" : ", transactionId \(OutcomeText.oneLine(confirmation.transactionId))"
                return "delivered: reported as already credited (error \(code))\(id)"
            }
            return "delivered, transactionId \(OutcomeText.oneLine(confirmation.transactionId))"
        case .retry(let reason, let retryAfterSeconds):
            guard let retryAfterSeconds else { return reason.summary }
            return reason.summary + ", Retry-After \(OutcomeText.seconds(retryAfterSeconds))s"
        case .giveUp(let code, let description):
            return OutcomeText.errorCode(code, description)
        }
    }

    /// The retry reason, when this outcome is a retry.
    package var retryReason: RetryReason? {
        if case .retry(let reason, _) = self { return reason }
        return nil
    }
}

/// What the operator confirmed; stored with the delivered win.
package struct Confirmation: Sendable, Hashable {
    /// Empty only when the operator reported the win as already credited without an id.
    package var transactionId: String
    package var currency: String?
    package var cash: String?
    package var bonus: String?
    /// The operator's "already credited" error code, when that is how it confirmed.
    package var alreadyCreditedCode: Int?

    package init(
        transactionId: String, currency: String? = nil, cash: String? = nil, bonus: String? = nil,
        alreadyCreditedCode: Int? = nil
    ) {
        self.transactionId = transactionId
        self.currency = currency
        self.cash = cash
        self.bonus = bonus
        self.alreadyCreditedCode = alreadyCreditedCode
    }

    static func alreadyCredited(_ code: Int, _ answer: OperatorResponse) -> Confirmation {
        let id = answer.transactionId.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 } ?? ""
        return Confirmation(
            transactionId: id, currency: answer.currency, cash: answer.cash, bonus: answer.bonus, alreadyCreditedCode: code)
    }
}

/// Why an attempt will be retried.
package enum RetryReason: Sendable, Hashable {
    case transport(TransportFailure)
    case httpStatus(Int)
    case redirect(status: Int, location: String?)
    case unparseableBody(String)
    case bodyTooLarge
    case missingTransactionId
    case errorCode(Int, description: String?)

    /// True for failures that say the operator is unreachable or unhealthy
    /// (transport failures incl. timeout, HTTP 502/503/504, and an answer cut
    /// off at the body cap): these feed the circuit breaker. An endless or
    /// 200 MB answer is the endpoint's fault, not the win's, and each one costs
    /// a fresh connection and several deliveries' worth of the daemon's time,
    /// taken from every other operator. Anything else is an answer from a live
    /// wallet, and pausing the whole operator for it would only delay its other wins.
    package var isTransportLevel: Bool {
        switch self {
        case .transport, .bodyTooLarge: true
        case .httpStatus(let status): status == 502 || status == 503 || status == 504
        default: false
        }
    }

    package var summary: String {
        switch self {
        case .transport(.timeout): "timeout"
        case .transport(.connection(let detail)): "connection failed: \(OutcomeText.oneLine(detail))"
        case .transport(.tls(let detail)): "TLS failure: \(OutcomeText.oneLine(detail))"
        case .transport(.other(let detail)): "transport error: \(OutcomeText.oneLine(detail))"
        case .httpStatus(let status): "HTTP \(status)"
        case .redirect(let status, let location?):
            "HTTP \(status) redirect to \(OutcomeText.oneLine(URLMasking.masked(location))) (not followed)"
        case .redirect(let status, nil): "HTTP \(status) redirect without Location (not followed)"
        case .unparseableBody(let reason): "unparseable body: \(OutcomeText.oneLine(reason))"
        case .bodyTooLarge: "response body larger than \(HTTPResponseData.bodyLimit) bytes"
        case .missingTransactionId: "no transactionId in the answer"
        case .errorCode(let code, let description): OutcomeText.errorCode(code, description)
        }
    }
}

/// Formatting for summaries: operator-supplied text is flattened to one short
/// line, because it lands in a one-line-per-event log and a database column.
package enum OutcomeText {
    static let maxLength = 200

    static func oneLine(_ text: String) -> String {
        // Nearly every text (a transaction id, a status) is short and has no control
        // character: it is returned as it is, without a scalar-by-scalar copy, since
        // every attempt's summary goes through here. Bytes below 0x20 and 0x7F occur
        // in UTF-8 only as those characters, and no more bytes than `maxLength` means
        // no more scalars.
        if text.utf8.count <= maxLength, !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars.prefix(maxLength) {
            scalars.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
        }
        let flattened = String(scalars)
        return text.unicodeScalars.count > maxLength ? flattened + "…" : flattened
    }

    /// `text` flattened and cut to `limit` characters with an ellipsis.
    package static func clipped(_ text: String, _ limit: Int) -> String {
        let flat = oneLine(text)
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }

    static func errorCode(_ code: Int, _ description: String?) -> String {
        guard let description, !description.isEmpty else { return "error \(code)" }
        return "error \(code): \(oneLine(description))"
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() && value < 1e15 ? String(Int64(value)) : String(value)
    }
}

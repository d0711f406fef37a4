import Foundation
import JackpotWire

/// What the wallet answered one probe call: a credit, or a refusal as the
/// wallet worded it. The daemon's own classifier decides which (a probe that
/// calls an answer a credit the daemon would retry would prove nothing).
package enum ProbeAnswer: Sendable, Hashable {
    case credited(ProbeCredit)
    case refused(ProbeRefusal)

    package static func read(_ result: HTTPExchangeResult, now: Date = Date()) -> ProbeAnswer {
        let response: HTTPResponseData
        switch result {
        case .failure(let failure):
            return .refused(ProbeRefusal(transportFailure: failure))
        case .success(let value):
            response = value
        }
        let object = response.bodyTruncated ? nil : (try? JSONValue.parse(Self.withoutByteOrderMark(response.body)))?.objectValue
        let parsed = response.bodyTruncated ? nil : try? OperatorResponse.parse(response.body)
        let outcome = AttemptOutcome.classify(.success(response), noRetryErrorCodes: [], now: now)
        if case .delivered(let confirmation) = outcome {
            return .credited(
                ProbeCredit(
                    status: response.status, confirmation: confirmation,
                    errorIsString: object?["error"]?.stringValue != nil,
                    balancesAreStrings: object?["cash"]?.stringValue != nil || object?["bonus"]?.stringValue != nil))
        }
        var refusal = ProbeRefusal(status: response.status)
        // Wallets that do not follow the answer's table still say why, under other names.
        refusal.errorCode = parsed?.error ?? object?["error"]?.stringValue.flatMap { Int($0) }
        refusal.description =
            parsed?.description
            ?? ["description", "message", "msg", "errorMessage", "error"].lazy.compactMap { object?[$0]?.stringValue }.first
        refusal.isJSON = object != nil
        refusal.location = response.headers["location"]
        if object == nil {
            refusal.bodyExcerpt = OutcomeText.clipped(String(decoding: response.body.prefix(400), as: UTF8.self), 200)
        }
        return .refused(refusal)
    }

    private static func withoutByteOrderMark(_ body: [UInt8]) -> ArraySlice<UInt8> {
        body.starts(with: [0xEF, 0xBB, 0xBF]) ? body.dropFirst(3) : body[...]
    }
}

/// A call the wallet credited (or confirmed), with the answer's quirks.
package struct ProbeCredit: Sendable, Hashable {
    package var status: Int
    package var confirmation: Confirmation
    /// `"error": "0"` rather than `"error": 0`.
    package var errorIsString = false
    /// `"cash": "99.50"` rather than a number.
    package var balancesAreStrings = false

    package init(status: Int = 200, confirmation: Confirmation, errorIsString: Bool = false, balancesAreStrings: Bool = false) {
        self.status = status
        self.confirmation = confirmation
        self.errorIsString = errorIsString
        self.balancesAreStrings = balancesAreStrings
    }
}

/// A call the wallet did not credit, as it said so.
package struct ProbeRefusal: Sendable, Hashable {
    /// nil when no HTTP answer came (`transportFailure` says why).
    package var status: Int?
    package var errorCode: Int?
    /// The wallet's `description`.
    package var description: String?
    /// The first bytes of an answer that is not a JSON object.
    package var bodyExcerpt: String?
    package var isJSON = false
    /// A redirect's target.
    package var location: String?
    package var transportFailure: TransportFailure?

    package init(
        status: Int? = nil, errorCode: Int? = nil, description: String? = nil, bodyExcerpt: String? = nil,
        isJSON: Bool = false, location: String? = nil, transportFailure: TransportFailure? = nil
    ) {
        self.status = status
        self.errorCode = errorCode
        self.description = description
        self.bodyExcerpt = bodyExcerpt
        self.isJSON = isJSON
        self.location = location
        self.transportFailure = transportFailure
    }

    /// The words the wallet used: its description, else what its body began with.
    package var words: String { description ?? bodyExcerpt ?? "" }

    /// `HTTP 200, error 110: Invalid hash`; `connection failed: …`.
    package var summary: String {
        guard let status else {
            return AttemptOutcome.retry(.transport(transportFailure ?? .other("no answer")), retryAfterSeconds: nil).summary
        }
        var text = "HTTP \(status)"
        if let errorCode { text += ", error \(errorCode)" }
        if let description, !description.isEmpty {
            text += ": " + OutcomeText.clipped(description, 120)
        } else if let bodyExcerpt, !bodyExcerpt.isEmpty {
            text += ", not JSON: " + OutcomeText.clipped(bodyExcerpt, 80)
        } else if isJSON, errorCode == nil {
            text += ", no transactionId"
        }
        return text
    }
}

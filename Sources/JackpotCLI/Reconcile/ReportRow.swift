import JackpotWire

/// One credited win as the operator's report lists it.
struct ReportRow: Sendable, Hashable {
    var line: Int
    var reference: String
    var transactionId: String
    var amount: DecimalAmount?
    var currency: String?
    var creditedAt: Int64?

    /// Builds a row from its fields by our names; throws the reason a row is bad.
    /// Nothing is guessed: an amount that is not plain decimal text, or a time in
    /// no accepted form, makes the row bad rather than absent.
    init(line: Int, field: (String) -> String?) throws(ReportRowError) {
        self.line = line
        guard let reference = field("reference"), !reference.isEmpty else { throw ReportRowError("no reference") }
        guard let transactionId = field("transactionId"), !transactionId.isEmpty else {
            throw ReportRowError("no transactionId for \(reference)")
        }
        self.reference = reference
        self.transactionId = transactionId
        if let text = field("amount"), !text.isEmpty {
            do {
                amount = try DecimalAmount(validating: text)
            } catch {
                throw ReportRowError("amount \"\(text)\" of \(reference) \(error.reason)")
            }
        }
        currency = field("currency").flatMap { $0.isEmpty ? nil : $0 }
        if let text = field("creditedAt"), !text.isEmpty {
            guard let time = ReportTime.parse(text) else {
                throw ReportRowError("creditedAt \"\(text)\" of \(reference) is not \(ReportTime.accepted)")
            }
            creditedAt = time
        }
    }
}

struct ReportRowError: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

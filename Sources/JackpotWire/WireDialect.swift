/// The small, stubborn ways a real wallet differs from the contract: which
/// fields it hashes and how, what it calls them, what it adds and what it
/// refuses. Every member defaults to the contract, so an operator without
/// dialect settings gets exactly the bytes docs/operators.md describes.
package struct WireDialect: Sendable, Hashable {
    package var hash = HashRules()
    /// Standard field name → the wire name this wallet reads (`userId` → `userid`).
    package var fieldNames: [String: String] = [:]
    /// Static parameters sent on every call, in config order, hashed like the others.
    package var extraFields: [WireField] = []
    /// Overrides the global `providerId` for this operator.
    package var providerId: String?
    /// The wallet refuses wins without a player session token.
    package var requireToken = false
    package var limits = WinLimits()

    package init() {}

    /// The wire name of a standard field.
    package func wireName(_ standard: String) -> String { fieldNames[standard] ?? standard }
}

/// How the hashed string is formed. Default: every field sent, empty ones
/// dropped, values as sent.
package struct HashRules: Sendable, Hashable {
    /// Wire names hashed; nil = every field sent.
    package var fields: [String]?
    /// Listed fields that are absent or empty are hashed as `name=`.
    package var includeEmpty = false
    /// The URL's query parameters join the hashed set.
    package var includeQuery = false
    /// Values are percent-encoded (RFC 3986 unreserved set) inside the hashed string.
    package var encodeValues = false

    package init(fields: [String]? = nil, includeEmpty: Bool = false, includeQuery: Bool = false, encodeValues: Bool = false) {
        self.fields = fields
        self.includeEmpty = includeEmpty
        self.includeQuery = includeQuery
        self.encodeValues = encodeValues
    }
}

/// What the wallet's own columns can hold, checked before a win is sent so that
/// a win it would refuse days later is refused at enqueue instead.
package struct WinLimits: Sendable, Hashable {
    package var referenceMaxLength: Int?
    package var amountMaxDecimals: Int?

    package init(referenceMaxLength: Int? = nil, amountMaxDecimals: Int? = nil) {
        self.referenceMaxLength = referenceMaxLength
        self.amountMaxDecimals = amountMaxDecimals
    }
}

extension WireDialect {
    /// Why this operator's wallet cannot take `win`, naming the setting; nil when it can.
    /// Checked at enqueue (by line) and again before every send (plain-SQL rows).
    package func refusal(of win: JackpotWin) -> WinValidationError? {
        if requireToken, win.token == nil {
            return WinValidationError(field: "token", reason: "is required by this operator (requireToken)")
        }
        if let maximum = limits.referenceMaxLength, win.reference.unicodeScalars.count > maximum {
            return WinValidationError(
                field: "reference", reason: "is longer than \(maximum) characters (limits.referenceMaxLength of this operator)")
        }
        if let maximum = limits.amountMaxDecimals, win.amount.fractionDigits.count > maximum {
            return WinValidationError(
                field: "amount",
                reason:
                    "has more than \(maximum) decimal places (limits.amountMaxDecimals of this operator): \(win.amount.canonical)"
            )
        }
        // Checked per enqueued line: wins without `extra` (most) skip building the set.
        guard !win.extra.isEmpty else { return nil }
        let taken = Set(WireRequest.standardFields.map(wireName(_:)) + extraFields.map(\.key) + ["hash"])
        if let clash = win.extra.first(where: { taken.contains($0.key) }) {
            return WinValidationError(
                field: "extra.\(clash.key)", reason: "is already a field this operator receives (fieldNames or extraFields)")
        }
        return nil
    }
}

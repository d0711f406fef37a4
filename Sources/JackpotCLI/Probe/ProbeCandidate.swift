import JackpotWire

/// One way of sending the probe win: the dialect settings a wallet's refusal
/// can point to, and which optional fields the probe win carries.
///
/// Hash lists are kept in contract names (`userId`, not `userid`) so that a
/// renamed field and a hash list can be changed independently; they become
/// wire names only in `settings(over:)`.
package struct ProbeCandidate: Sendable, Hashable {
    package var encoding: BodyEncoding = .json
    package var amountDecimals: Int?
    /// The operator's own `providerId`; nil = the global one.
    package var providerId: String?
    /// Contract name → wire name, renamed fields only.
    package var fieldNames: [String: String] = [:]
    /// Names hashed, in contract names (extra fields by their own); nil = every field sent.
    package var hashFields: [String]?
    package var includeEmpty = false
    package var includeQuery = false
    package var encodeValues = false
    /// The probe win carries the `--token` given.
    package var sendsToken = false
    /// Optional fields left out of the probe win (`platform`, `jackpotDetails`).
    package var omitted: Set<String> = []

    package init() {}

    /// The operator's settings as its config has them: step 1 sends exactly these.
    package init(configured settings: WireSettings, sendsToken: Bool) {
        let dialect = settings.dialect
        encoding = settings.encoding
        amountDecimals = settings.amountDecimals
        providerId = dialect.providerId
        fieldNames = dialect.fieldNames
        let standardByWire = Dictionary(
            WireRequest.standardFields.map { (dialect.wireName($0), $0) }, uniquingKeysWith: { first, _ in first })
        hashFields = dialect.hash.fields.map { names in names.map { standardByWire[$0] ?? $0 } }
        includeEmpty = dialect.hash.includeEmpty
        includeQuery = dialect.hash.includeQuery
        encodeValues = dialect.hash.encodeValues
        self.sendsToken = sendsToken
    }

    /// `settings` (the operator's URL, secret, transport, extra fields and limits) sending this candidate.
    package func settings(over settings: WireSettings) -> WireSettings {
        var result = settings
        result.encoding = encoding
        result.amountDecimals = amountDecimals
        result.dialect.providerId = providerId
        result.dialect.fieldNames = fieldNames
        // The probe win carries a token only when this candidate says so; the check belongs to enqueue.
        result.dialect.requireToken = false
        let wireName = result.dialect.wireName
        result.dialect.hash = HashRules(
            fields: hashFields.map { $0.map(wireName) }, includeEmpty: includeEmpty, includeQuery: includeQuery,
            encodeValues: encodeValues)
        return result
    }

    /// The wire name of a contract field under this candidate.
    package func wireName(_ standard: String) -> String { fieldNames[standard] ?? standard }
}

/// What the probe win carries, and so which settings can make a difference to
/// it: a setting that changes no byte of the probe's call is never tried twice
/// under two names (with an amount of 0.01, `amountDecimals: 2` sends what the
/// contract sends).
package struct ProbeSpace: Sendable, Hashable {
    /// Optional contract fields the probe win carries unless a candidate omits them.
    package var optionalFields: [String]
    /// A `--token` was given.
    package var tokenGiven: Bool
    /// The URL has query parameters (`includeQuery` can matter).
    package var hasQuery: Bool
    /// Contract fields whose probe values change when percent-encoded, and
    /// `"?query"` when the URL's query values do.
    package var encodingSensitive: Set<String>
    /// `amountDecimals` values that change the probe amount's text.
    package var amountDecimals: [Int]
    /// `providerId` values to try besides the operator's, most likely first (nil = the global one).
    package var providerIds: [String?]
    /// Static fields from the operator's config, sent and hashed by their own names.
    package var extraFieldNames: [String]
    package var userId: String

    package init(
        optionalFields: [String] = ["platform", "jackpotDetails"], tokenGiven: Bool = false, hasQuery: Bool = false,
        encodingSensitive: Set<String> = [], amountDecimals: [Int] = [], providerIds: [String?] = [],
        extraFieldNames: [String] = [], userId: String = "421"
    ) {
        self.optionalFields = optionalFields
        self.tokenGiven = tokenGiven
        self.hasQuery = hasQuery
        self.encodingSensitive = encodingSensitive
        self.amountDecimals = amountDecimals
        self.providerIds = providerIds
        self.extraFieldNames = extraFieldNames
        self.userId = userId
    }

    /// The contract's required fields, where every wallet's fixed hash list starts.
    static let requiredFields = ["userId", "gameId", "roundId", "amount", "reference", "providerId", "timestamp", "jackpotId"]

    /// Contract fields (and extra fields) `candidate`'s call carries.
    func sent(by candidate: ProbeCandidate) -> Set<String> {
        var fields = Set(Self.requiredFields + extraFieldNames)
        for name in optionalFields where !candidate.omitted.contains(name) && (name != "token" || candidate.sendsToken) {
            fields.insert(name)
        }
        return fields
    }

    /// `candidate` with every setting that changes nothing in the probe's call
    /// put back to the contract's default: two candidates with the same
    /// normalized form send the same bytes (up to reference and timestamp).
    package func normalized(_ candidate: ProbeCandidate) -> ProbeCandidate {
        var result = candidate
        result.sendsToken = tokenGiven && candidate.sendsToken
        result.omitted = candidate.omitted.intersection(optionalFields)
        result.fieldNames = candidate.fieldNames.filter { $0.key != $0.value }
        if !hasQuery { result.includeQuery = false }
        if let decimals = candidate.amountDecimals, !amountDecimals.contains(decimals) { result.amountDecimals = nil }
        let sent = sent(by: result)
        if let list = result.hashFields {
            let listed = Set(list)
            if listed.isSubset(of: sent) { result.includeEmpty = false }
            if !result.includeEmpty, listed.intersection(sent) == sent { result.hashFields = nil }
        }
        if result.hashFields == nil { result.includeEmpty = false }
        let hashed = result.hashFields.map { result.includeEmpty ? Set($0) : Set($0).intersection(sent) } ?? sent
        let queryMatters = result.includeQuery && encodingSensitive.contains("?query")
        if hashed.isDisjoint(with: encodingSensitive), !queryMatters { result.encodeValues = false }
        // Listed but not sent, without includeEmpty, is not hashed: the same as not listed.
        if let list = result.hashFields {
            result.hashFields = (result.includeEmpty ? Set(list) : Set(list).intersection(sent)).sorted()
        }
        return result
    }
}

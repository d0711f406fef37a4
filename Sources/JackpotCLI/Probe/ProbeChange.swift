import JackpotWire

/// One difference from the settings the search stands on: one value of one knob.
package enum ProbeChange: Sendable, Hashable {
    case encoding(BodyEncoding)
    /// Every field sent (nil), or the contract's fields without `excluding`, with `includeEmpty`.
    case hashList(excluding: Set<String>?, includeEmpty: Bool)
    case includeQuery(Bool)
    case encodeValues(Bool)
    case fieldName(standard: String, wire: String)
    case amountDecimals(Int?)
    case providerId(String?)
    case sendsToken(Bool)
    case omit(String, Bool)

    /// Two changes of one knob never combine.
    var knob: String {
        switch self {
        case .encoding: "encoding"
        case .hashList: "hash.fields"
        case .includeQuery: "hash.includeQuery"
        case .encodeValues: "hash.encodeValues"
        case .fieldName(let standard, _): "fieldNames." + standard
        case .amountDecimals: "amountDecimals"
        case .providerId: "providerId"
        case .sendsToken: "token"
        case .omit(let field, _): "omit." + field
        }
    }

    func apply(to candidate: inout ProbeCandidate, extraFieldNames: [String]) {
        switch self {
        case .encoding(let encoding): candidate.encoding = encoding
        case .hashList(let excluding, let includeEmpty):
            candidate.hashFields = excluding.map { excluded in
                WireRequest.standardFields.filter { !excluded.contains($0) } + extraFieldNames
            }
            candidate.includeEmpty = includeEmpty
        case .includeQuery(let value): candidate.includeQuery = value
        case .encodeValues(let value): candidate.encodeValues = value
        case .fieldName(let standard, let wire):
            candidate.fieldNames[standard] = wire == standard ? nil : wire
        case .amountDecimals(let decimals): candidate.amountDecimals = decimals
        case .providerId(let providerId): candidate.providerId = providerId
        case .sendsToken(let value): candidate.sendsToken = value
        case .omit(let field, let value):
            if value { candidate.omitted.insert(field) } else { candidate.omitted.remove(field) }
        }
    }

    /// How unlikely this change is to cure `symptom`: lower is tried first. The
    /// figures rank, they do not measure: a refusal that names the hash puts
    /// hash settings first, one that names a field puts its spellings first,
    /// one that shows the body was not read puts the encoding first; without
    /// words, the differences wallets most often have come first.
    func cost(for symptom: ProbeSymptom, learned: Set<String>) -> Double {
        switch (self, symptom) {
        case (.encoding, .unreadBody): 0.5
        case (.encoding, .hash): 2.25
        case (.encoding, _): 2.5

        case (.hashList(let excluding, let includeEmpty), .hash): Self.listCost(excluding, includeEmpty)
        case (.hashList(let excluding, let includeEmpty), .unexplained): Self.listCost(excluding, includeEmpty) + 1
        case (.hashList(let excluding, let includeEmpty), _): Self.listCost(excluding, includeEmpty) + 3
        case (.includeQuery, .hash): 0.8
        case (.includeQuery, .unexplained): 2
        case (.includeQuery, _): 4
        case (.encodeValues, .hash): 1.5
        case (.encodeValues, .unexplained): 2.5
        case (.encodeValues, _): 4.5

        case (.fieldName(let standard, let wire), .missingField(let named, let spellings)) where standard == named:
            spellings.contains(wire) ? 0.3 : 1.5
        case (.fieldName(let standard, let wire), _):
            (learned.contains(wire) ? 1.5 : standard == "userId" ? 2.5 : 3) + (symptom == .hash ? 1 : 0)

        case (.amountDecimals, .badValue("amount")): 1
        case (.amountDecimals, .hash): 2.5
        case (.amountDecimals, _): 3.5
        case (.providerId, .badValue("providerId")): 1
        case (.providerId, _): 4
        case (.sendsToken, .badValue("token")): 1
        case (.sendsToken, .hash): 3
        case (.sendsToken, _): 3.5
        case (.omit(let field, _), .badValue(let named)) where field == named: 1
        case (.omit(let field, _), .missingField): field == "jackpotDetails" ? 4.5 : 5
        case (.omit, _): 4
        }
    }

    /// Wallets hash the fields of the API's own table: `jackpotDetails` (not in
    /// it) left out is the likeliest list; `platform`, then `token`, next.
    private static func listCost(_ excluding: Set<String>?, _ includeEmpty: Bool) -> Double {
        guard let excluding else { return 1 }
        var cost: Double = excluding.contains("jackpotDetails") ? 1 : 2
        cost += 0.5 * Double(excluding.subtracting(["jackpotDetails"]).count)
        return cost + (includeEmpty ? 0.5 : 0)
    }
}

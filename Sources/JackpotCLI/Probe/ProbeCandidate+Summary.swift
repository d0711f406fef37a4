import JackpotWire

extension ProbeCandidate {
    /// What this candidate changes from `start`, for the list of calls:
    /// `encoding form, userId as userid, hash.fields without jackpotDetails (includeEmpty)`.
    package func summary(relativeTo start: ProbeCandidate) -> String {
        var parts: [String] = []
        if encoding != start.encoding { parts.append("encoding \(encoding.rawValue)") }
        if amountDecimals != start.amountDecimals { parts.append("amountDecimals \(amountDecimals.map(String.init) ?? "none")") }
        if providerId != start.providerId { parts.append("providerId \(providerId ?? "global")") }
        for standard in WireRequest.standardFields where wireName(standard) != start.wireName(standard) {
            parts.append("\(standard) as \(wireName(standard))")
        }
        if hashFields != start.hashFields || (hashFields != nil && includeEmpty != start.includeEmpty) {
            if let fields = hashFields {
                let left = WireRequest.standardFields.filter { !fields.contains($0) }
                let list = left.isEmpty ? "hash.fields all listed" : "hash.fields without \(left.joined(separator: ", "))"
                parts.append(list + (includeEmpty ? " (includeEmpty)" : ""))
            } else {
                parts.append("hash of every field sent")
            }
        }
        if includeQuery != start.includeQuery { parts.append(includeQuery ? "includeQuery" : "no includeQuery") }
        if encodeValues != start.encodeValues { parts.append(encodeValues ? "encodeValues" : "no encodeValues") }
        if sendsToken != start.sendsToken { parts.append(sendsToken ? "with the token" : "without the token") }
        for field in omitted.subtracting(start.omitted).sorted() { parts.append("without \(field)") }
        for field in start.omitted.subtracting(omitted).sorted() { parts.append("with \(field)") }
        return parts.isEmpty ? "as configured" : parts.joined(separator: ", ")
    }
}

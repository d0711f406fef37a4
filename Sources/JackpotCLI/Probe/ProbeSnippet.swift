import JackpotConfiguration
import JackpotWire

/// The config members that make the daemon send what the probe found works:
/// every dialect key whose value is not the contract's default (and `encoding`
/// when it changes back to json), plus `removedKeys`: keys the operator's block
/// has that must go. Paste them over the block, replacing keys it already has.
package enum ProbeSnippet {
    package static func members(
        _ candidate: ProbeCandidate, operator config: OperatorConfig, alreadyCreditedCode: Int?
    ) -> JSONObject {
        let configured = ProbeCandidate(configured: config.wireSettings, sendsToken: false)
        var members: [(String, JSONValue)] = []
        if candidate.encoding != .json || configured.encoding != candidate.encoding {
            members.append(("encoding", .string(candidate.encoding.rawValue)))
        }
        if let decimals = candidate.amountDecimals { members.append(("amountDecimals", .number(String(decimals)))) }
        if let providerId = candidate.providerId { members.append(("providerId", .string(providerId))) }
        if !candidate.fieldNames.isEmpty {
            let names = WireRequest.standardFields.compactMap { standard in
                candidate.fieldNames[standard].map { (standard, JSONValue.string($0)) }
            }
            members.append(("fieldNames", .object(JSONObject(names))))
        }
        let hash = hashMembers(candidate)
        if !hash.isEmpty { members.append(("hash", .object(JSONObject(hash)))) }
        let codes = config.alreadyCreditedErrorCodes.union(alreadyCreditedCode.map { [$0] } ?? [])
        if codes != config.alreadyCreditedErrorCodes {
            members.append(("alreadyCreditedErrorCodes", .array(codes.sorted().map { .number(String($0)) })))
            // A code cannot mean both credited and refused: the config loader insists.
            if !codes.isDisjoint(with: config.noRetryErrorCodes) {
                let kept = config.noRetryErrorCodes.subtracting(codes).sorted()
                members.append(("noRetryErrorCodes", .array(kept.map { .number(String($0)) })))
            }
        }
        return JSONObject(members)
    }

    /// Keys the operator's block should lose: set in its config, back to the default now.
    package static func removedKeys(_ candidate: ProbeCandidate, operator config: OperatorConfig) -> [String] {
        let configured = ProbeCandidate(configured: config.wireSettings, sendsToken: false)
        var keys: [String] = []
        if configured.amountDecimals != nil, candidate.amountDecimals == nil { keys.append("amountDecimals") }
        if configured.providerId != nil, candidate.providerId == nil { keys.append("providerId") }
        if !configured.fieldNames.isEmpty, candidate.fieldNames.isEmpty { keys.append("fieldNames") }
        if !hashMembers(configured).isEmpty, hashMembers(candidate).isEmpty { keys.append("hash") }
        return keys
    }

    private static func hashMembers(_ candidate: ProbeCandidate) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        if let fields = candidate.hashFields {
            members.append(("fields", .array(fields.map { .string(candidate.wireName($0)) })))
        }
        if candidate.includeEmpty, candidate.hashFields != nil { members.append(("includeEmpty", .bool(true))) }
        if candidate.includeQuery { members.append(("includeQuery", .bool(true))) }
        if candidate.encodeValues { members.append(("encodeValues", .bool(true))) }
        return members
    }

    /// The members one a line, ready to paste: `"encoding": "form",`.
    package static func text(_ members: JSONObject) -> String {
        members.members.enumerated().map { index, member in
            JSONWriter.quoted(member.key) + ": " + JSONWriter.serialize(member.value)
                + (index + 1 < members.count ? "," : "")
        }.joined(separator: "\n")
    }
}

import JackpotWire

/// What a refusal says is wrong, read from its HTTP status, its `error` and
/// `description`, or the first bytes of an answer that is not JSON. Words,
/// not our simulators' codes: a wallet written by someone else says "Invalid
/// signature", "The user id field is required." or "Bad parameters: brand",
/// and each of those points at different settings.
package enum ProbeSymptom: Sendable, Hashable {
    /// The hash (signature, checksum) was refused.
    case hash
    /// The wallet looks for a contract field under another name (`userid`, `user_id`).
    case missingField(standard: String, spellings: [String])
    /// The value of a contract field was refused (`providerId`, `amount`, `token`, `platform`…).
    case badValue(standard: String)
    /// The wallet did not read the body: 415, a parse error, a field reported
    /// missing under the very name it was sent, a 500, an answer that is not JSON.
    case unreadBody
    /// The wallet does not know the test player (or did not read the player's field).
    case unknownPlayer
    /// A refusal whose words name nothing the settings cover.
    case unexplained
    /// A refusal no setting can cure.
    case deadEnd(ProbeDeadEnd)

    /// Reads `refusal`; `sent` are the wire names the call carried, `userId` the test player.
    package static func read(_ refusal: ProbeRefusal, sent: [String], userId: String) -> ProbeSymptom {
        if let failure = refusal.transportFailure {
            switch failure {
            case .tls(let detail): return .deadEnd(.tls(detail))
            case .timeout: return .deadEnd(.timeout)
            case .connection(let detail), .other(let detail): return .deadEnd(.connection(detail))
            }
        }
        let status = refusal.status ?? 0
        if (300..<400).contains(status) { return .deadEnd(.redirect(status: status, location: refusal.location)) }
        let text = ProbeWords(refusal.words)
        if [404, 405, 410, 501].contains(status), !(refusal.isJSON && text.saysUnknownPlayer) {
            return .deadEnd(.httpStatus(status))
        }
        if [502, 503, 504].contains(status) { return .deadEnd(.unavailable(status)) }
        if text.namesTheHash { return .hash }
        if text.has(any: ProbeWords.unreadWords) || status == 415 { return .unreadBody }
        if text.has(any: ["token", "session"]) { return .badValue(standard: "token") }
        if text.saysUnknownPlayer {
            // A wallet that names the player it could not find has read the player's field.
            let named = refusal.words.split { !$0.isLetter && !$0.isNumber && $0 != "_" && $0 != "-" }
                .contains { $0 == userId }
            return named ? .deadEnd(.unknownPlayer(userId)) : .unknownPlayer
        }
        if let named = text.namedField() {
            let absent = text.has(any: ProbeWords.missingWords)
            if let standard = ProbeWords.standardField(matching: named.normalized) {
                if absent {
                    // Reported missing under the very name we sent it: the body was not read.
                    if sent.contains(named.spelled) { return .unreadBody }
                    return .missingField(standard: standard, spellings: named.spellings)
                }
                return .badValue(standard: standard)
            }
            if !sent.contains(named.spelled) { return .deadEnd(.unknownParameter(named.spelled)) }
        }
        if text.has(any: ["provider"]) { return .badValue(standard: "providerId") }
        if text.has(any: ["amount", "decimal"]) { return .badValue(standard: "amount") }
        if status == 401 || status == 403 {
            if text.has(any: ["ip ", "address", "whitelist", "allowlist", "allow list", "white list"]) {
                return .deadEnd(.forbidden(status))
            }
            return .hash
        }
        if !refusal.isJSON || status >= 500 { return .unreadBody }
        if (200..<300).contains(status), (refusal.errorCode ?? 0) == 0 { return .deadEnd(.noTransactionId) }
        return .unexplained
    }
}

/// A refusal that ends the search: what it is, and what to do instead.
package enum ProbeDeadEnd: Sendable, Hashable {
    case unknownPlayer(String)
    case httpStatus(Int)
    case redirect(status: Int, location: String?)
    case tls(String)
    case connection(String)
    case timeout
    case unavailable(Int)
    case forbidden(Int)
    /// The wallet refuses the call without a session token and none was given.
    case needsToken
    /// The wallet refuses the token given.
    case tokenRefused
    /// The wallet wants a parameter whose value only its operator knows (`brand`).
    case unknownParameter(String)
    /// A 2xx answer without `transactionId`: the daemon could never confirm a win.
    case noTransactionId

    /// One line naming the cause and the fix.
    package func message(userId: String, url: String) -> String {
        switch self {
        case .unknownPlayer(let player):
            "the wallet does not know player \(player): check --user-id (a test player of this operator's staging wallet)"
        case .httpStatus(405):
            "the URL answers 405 to POST: check the operator's URL (or --url); the wallet takes JackPotWin at another path"
        case .httpStatus(let status):
            "the URL answers \(status): check the operator's URL (or --url) \(URLMasking.masked(url))"
        case .redirect(let status, let location):
            "the URL redirects (HTTP \(status)\(location.map { " to \(URLMasking.masked($0))" } ?? "")); jackpotd never follows redirects: configure the final URL"
        case .tls(let detail):
            "TLS failure: \(OutcomeText.clipped(detail, 160)); check the URL's certificate, tls.caFile and the client certificate"
        case .connection(let detail):
            "no connection: \(OutcomeText.clipped(detail, 160)); check the URL, the port and that this host may reach it"
        case .timeout:
            "no answer within the operator's timeoutSeconds: check the URL, or raise timeoutSeconds for a slow staging wallet"
        case .unavailable(let status):
            "the wallet answers \(status) (unavailable): try again later"
        case .forbidden(let status):
            "the wallet answers \(status) and names our address: ask the operator to allow this host's IP address"
        case .needsToken:
            "the wallet refuses calls without a player session token: pass --token with a live session token of player \(userId)"
        case .tokenRefused:
            "the wallet refuses the token given: pass --token with a live session token of player \(userId)"
        case .unknownParameter(let name):
            "the wallet asks for parameter \(name), whose value only the operator knows: ask for it and add \"extraFields\": {\"\(name)\": \"…\"}"
        case .noTransactionId:
            "the wallet answers success without a transactionId: jackpotd could never confirm a win; ask the operator to send one"
        }
    }

    /// A stable name for scripts (`--json`).
    package var code: String {
        switch self {
        case .unknownPlayer: "unknown-player"
        case .httpStatus(405): "method-not-allowed"
        case .httpStatus: "url-refused"
        case .redirect: "redirect"
        case .tls: "tls-failure"
        case .connection: "connection-failed"
        case .timeout: "timeout"
        case .unavailable: "wallet-unavailable"
        case .forbidden: "address-refused"
        case .needsToken: "token-needed"
        case .tokenRefused: "token-refused"
        case .unknownParameter: "unknown-parameter"
        case .noTransactionId: "no-transaction-id"
        }
    }
}

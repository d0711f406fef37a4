import JackpotWire

/// How a simulated wallet checks and reads a JackPotWin call, modelled on
/// real wallets (docs/operators.md, "Wallet dialects"). It is written from the wallet's side, on purpose
/// apart from jackpotd's `RequestHash`/`WireDialect`: an end-to-end test only
/// proves something when the two ends are not the same code.
package struct WalletDialect: Sendable {
    /// The names this wallet hashes, sorted by it; nil = every parameter received except `hash`.
    package var hashFields: [String]?
    /// Listed names that were not received (or are empty) are hashed as `name=`.
    package var includeEmpty = false
    /// The URL query joins the parameters (ThinkPHP's `input()`, Laravel's `input()`).
    package var includeQuery = false
    /// Values percent-encoded (RFC 3986 unreserved set kept) before hashing.
    package var encodeValues = false
    /// Standard field → the name this wallet reads it from (`userId` → `userid`).
    package var fieldNames: [String: String] = [:]
    /// Parameters this wallet requires with exactly these values (a brand or site id).
    package var requiredParameters: [String: String] = [:]
    /// Answers a repeat of a credited reference with this error code (61
    /// "Transaction already exists. No action required.") instead of its transactionId.
    package var alreadyCreditedCode: Int?
    /// Reads only form bodies, as a PHP wallet reading `$_POST` does: a JSON
    /// body arrives as no parameters at all (and so fails the hash check).
    package var formOnly = false
    /// Flaws found in real wallets, for `jackpotd probe` to find: no hash
    /// check at all; a repeated reference credited again under a new id; only
    /// these players known (nil: every player).
    package var checksHash = true
    package var creditsRepeatsAgain = false
    package var players: Set<String>?

    package init(
        hashFields: [String]? = nil, includeEmpty: Bool = false, includeQuery: Bool = false, encodeValues: Bool = false,
        fieldNames: [String: String] = [:], requiredParameters: [String: String] = [:], alreadyCreditedCode: Int? = nil,
        formOnly: Bool = false, checksHash: Bool = true, creditsRepeatsAgain: Bool = false, players: Set<String>? = nil
    ) {
        self.formOnly = formOnly
        self.checksHash = checksHash
        self.creditsRepeatsAgain = creditsRepeatsAgain
        self.players = players
        self.hashFields = hashFields
        self.includeEmpty = includeEmpty
        self.includeQuery = includeQuery
        self.encodeValues = encodeValues
        self.fieldNames = fieldNames
        self.requiredParameters = requiredParameters
        self.alreadyCreditedCode = alreadyCreditedCode
    }

    /// The contract of docs/operators.md.
    package static let standard = WalletDialect()

    func name(_ standard: String) -> String { fieldNames[standard] ?? standard }

    /// What this wallet hashes, given the body's parameters and the request target's query.
    func hashedText(body: [(key: String, value: String)], target: String) -> String {
        var parameters: [String: String] = [:]
        var order: [String] = []
        func add(_ key: String, _ value: String) {
            if parameters.updateValue(value, forKey: key) == nil { order.append(key) }
        }
        for field in body { add(field.key, field.value) }
        var queryKeys: [String] = []
        if includeQuery, let mark = target.firstIndex(of: "?") {
            for pair in target[target.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = FormEncoding.decodeComponent(parts[0]) ?? String(parts[0])
                add(key, parts.count > 1 ? FormEncoding.decodeComponent(parts[1]) ?? "" : "")
                queryKeys.append(key)
            }
        }
        var names = (hashFields ?? order.filter { $0 != "hash" }) + (hashFields == nil ? [] : queryKeys)
        names = Array(Set(names)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var pieces: [String] = []
        for key in names {
            let value = parameters[key] ?? ""
            if value.isEmpty && !includeEmpty { continue }
            pieces.append(key + "=" + (encodeValues ? FormEncoding.encodeComponent(value) : value))
        }
        return pieces.joined(separator: "&")
    }
}

/// One jackpot win to deliver: the wallet API's JackPotWin fields plus the operator
/// that must credit it. `providerId` and `hash` are added at send time from
/// the configuration.
public struct JackpotWin: Sendable, Hashable {
    public var operatorName: String
    public var userId: String
    public var gameId: String
    public var roundId: String
    public var amount: DecimalAmount
    public var reference: String
    /// Epoch milliseconds as decimal text, fixed at enqueue so every retry sends the same body.
    public var timestamp: String
    public var jackpotId: String
    /// Optional fields: `nil` when absent; an empty string is normalised to `nil`.
    public var platform: String?
    public var token: String?
    /// Sent as text: a JSON object's compact text (numbers as written, keys in
    /// the given order) or a string as given. `nil` when absent.
    public var jackpotDetails: String?
    /// Further operator-specific string parameters, in the given order.
    public var extra: [WireField]

    public init(
        operatorName: String, userId: String, gameId: String, roundId: String,
        amount: DecimalAmount, reference: String, timestamp: String, jackpotId: String,
        platform: String? = nil, token: String? = nil, jackpotDetails: String? = nil, extra: [WireField] = []
    ) {
        self.operatorName = operatorName
        self.userId = userId
        self.gameId = gameId
        self.roundId = roundId
        self.amount = amount
        self.reference = reference
        self.timestamp = timestamp
        self.jackpotId = jackpotId
        self.platform = platform?.isEmpty == true ? nil : platform
        self.token = token?.isEmpty == true ? nil : token
        self.jackpotDetails = jackpotDetails?.isEmpty == true ? nil : jackpotDetails
        self.extra = extra
    }

    /// Documented length limits, in Unicode scalars. Operators' wallets store these
    /// in fixed-width columns; anything longer is almost certainly a bug upstream.
    package enum Limits {
        package static let operatorName = 64
        package static let identifier = 128
        package static let token = 512
    }

    /// The earliest timestamp accepted: 2000-01-01T00:00:00Z in epoch milliseconds.
    /// Anything earlier is a unit mistake (seconds for milliseconds, or 0), and the
    /// wallet would book the win in 1970.
    public static let earliestTimestamp: Int64 = 946_684_800_000
    /// How far past the enqueueing (or validating) machine's clock a timestamp may
    /// be: a day, for clocks that disagree and time zones mistaken for offsets.
    public static let timestampLeewayMilliseconds: Int64 = 86_400_000

    /// Checks every field against the contract; the first problem names the field.
    public func validate() throws(WinValidationError) {
        try validate(now: WallClock.nowMilliseconds())
    }

    /// `validate()` at `now` (epoch milliseconds), which bounds the timestamp: at most a day after it.
    public func validate(now: Int64) throws(WinValidationError) {
        try Self.checkText(operatorName, field: "operator", limit: Limits.operatorName)
        try Self.checkText(userId, field: "userId", limit: Limits.identifier)
        try Self.checkText(gameId, field: "gameId", limit: Limits.identifier)
        try Self.checkText(roundId, field: "roundId", limit: Limits.identifier)
        try Self.checkText(reference, field: "reference", limit: Limits.identifier)
        try Self.checkText(jackpotId, field: "jackpotId", limit: Limits.identifier)
        if let platform { try Self.checkText(platform, field: "platform", limit: Limits.identifier) }
        if let token { try Self.checkText(token, field: "token", limit: Limits.token) }
        try Self.checkTimestamp(timestamp, now: now)
        try WinExtras.validate(jackpotDetails: jackpotDetails, extra: extra)
    }

    static func checkText(_ value: String, field: String, limit: Int) throws(WinValidationError) {
        guard !value.isEmpty else { throw WinValidationError(field: field, reason: "is empty") }
        // Scalars never outnumber UTF-8 bytes, so only long byte strings need counting.
        guard value.utf8.count <= limit || value.unicodeScalars.count <= limit else {
            throw WinValidationError(field: field, reason: "is longer than \(limit) characters")
        }
        // One pass over the bytes in place (every field of every win comes through here):
        // C0 and DEL are single bytes in UTF-8, and those byte values occur nowhere else;
        // C1 (U+0080–U+009F, e.g. U+0085 NEXT LINE) is 0xC2 0x80–0x9F in UTF-8.
        var bytes = value
        let (control, maybeC1) = bytes.withUTF8 { utf8 in
            var (control, maybeC1) = (false, false)
            for byte in utf8 {
                control = control || byte < 0x20 || byte == 0x7F
                maybeC1 = maybeC1 || byte == 0xC2
            }
            return (control, maybeC1)
        }
        if control || (maybeC1 && Self.containsC1(value)) {
            throw WinValidationError(field: field, reason: "contains a control character")
        }
    }

    static func containsC1(_ value: String) -> Bool {
        for scalar in value.unicodeScalars where (0x80...0x9F).contains(scalar.value) { return true }
        return false
    }

    static func checkTimestamp(_ value: String, now: Int64) throws(WinValidationError) {
        // Only for a refusal's text: a valid timestamp (every call's) is not counted.
        var shown: String { value.unicodeScalars.count > 40 ? String(value.unicodeScalars.prefix(40)) + "…" : value }
        guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw WinValidationError(
                field: "timestamp", reason: "must be epoch milliseconds, digits only (e.g. \"1482429190374\"), got \"\(shown)\"")
        }
        guard value == "0" || !value.hasPrefix("0") else {
            throw WinValidationError(
                field: "timestamp", reason: "must be epoch milliseconds without a leading zero, got \"\(shown)\"")
        }
        let latest = now + timestampLeewayMilliseconds
        if let milliseconds = Int64(value), milliseconds >= earliestTimestamp, milliseconds <= latest { return }
        var reason =
            "must be epoch milliseconds from 2000-01-01 (\(earliestTimestamp)) to a day from now (\(latest)), got \(shown)"
        if let number = Int64(value), number <= Int64.max / 1000, (earliestTimestamp...latest).contains(number * 1000) {
            reason += ", which looks like seconds: multiply by 1000"
        }
        throw WinValidationError(field: "timestamp", reason: reason)
    }
}

public struct WinValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field) \(reason)" }
}

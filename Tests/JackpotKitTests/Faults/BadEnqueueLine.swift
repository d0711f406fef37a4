import Testing
import Foundation

/// One malformed JSON Lines record for `jackpotd enqueue`, and what its
/// rejection must say. The table below is the bad-input campaign: every way a
/// platform has been seen (or could plausibly) get a line wrong.
struct BadEnqueueLine: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    /// Texts the "line N: …" rejection must contain: the field, then the reason.
    let mentions: [String]

    var testDescription: String { name }

    init(_ name: String, bytes: [UInt8], mentions: [String]) {
        self.name = name
        self.bytes = bytes
        self.mentions = mentions
    }

    init(_ name: String, _ text: String, mentions: [String]) {
        self.init(name, bytes: Array(text.utf8), mentions: mentions)
    }

    // MARK: Building lines

    /// A valid win (for the operator `casino-a`) as raw JSON members, so a case can
    /// swap in any raw JSON value, including ones that are not strings.
    static let validMembers: [(key: String, raw: String)] = [
        ("operator", #""casino-a""#), ("userId", #""421""#), ("gameId", #""Im_60_tumblefortune""#),
        ("roundId", #""5103188801""#), ("amount", "55"), ("reference", #""bad-ref""#), ("jackpotId", #""568""#),
    ]

    static func object(_ members: [(key: String, raw: String)]) -> String {
        "{" + members.map { "\"\($0.key)\":\($0.raw)" }.joined(separator: ",") + "}"
    }

    /// The valid win with `key` set to `raw` (added when absent).
    static func with(_ key: String, _ raw: String) -> String {
        var members = validMembers
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].raw = raw
        } else {
            members.append((key, raw))
        }
        return object(members)
    }

    static func without(_ key: String) -> String {
        object(validMembers.filter { $0.key != key })
    }

    static func quoted(_ text: String) -> String { "\"" + text + "\"" }

    // MARK: The table

    static let requiredTextFields = ["operator", "userId", "gameId", "roundId", "reference", "jackpotId"]
    static let optionalTextFields = ["platform", "token", "timestamp"]

    static let notJSON: [BadEnqueueLine] = {
        let valid = Array(object(validMembers).utf8)
        let prefix = Array(#"{"operator":"casino-a","userId":"42"#.utf8)
        let suffix = Array((#"","# + object(validMembers.filter { $0.key != "operator" && $0.key != "userId" }).dropFirst()).utf8)
        return [
            BadEnqueueLine(
                "invalid UTF-8 byte in a value", bytes: prefix + [0xFF] + suffix, mentions: ["line", "invalid UTF-8"]),
            BadEnqueueLine(
                "truncated UTF-8 sequence in a value", bytes: prefix + [0xC3, 0x28] + suffix, mentions: ["line", "invalid UTF-8"]),
            BadEnqueueLine(
                "overlong UTF-8 encoding in a value", bytes: prefix + [0xC0, 0xAF] + suffix, mentions: ["line", "invalid UTF-8"]),
            BadEnqueueLine(
                "invalid UTF-8 byte between members", bytes: Array(valid.dropLast()) + [0x2C, 0xFE, 0x7D],
                mentions: ["line", "not valid JSON"]),
            BadEnqueueLine(
                "raw control byte inside a string", bytes: prefix + [0x01] + suffix, mentions: ["line", "control character"]),
            BadEnqueueLine("plain text", "hello, this is not JSON", mentions: ["line", "not valid JSON"]),
            BadEnqueueLine(
                "CSV instead of JSON", "casino-a,421,Im_60,5103188801,55,ref,568", mentions: ["line", "not valid JSON"]),
            BadEnqueueLine("object cut short", String(object(validMembers).dropLast()), mentions: ["line", "not valid JSON"]),
            BadEnqueueLine(
                "trailing comma", String(object(validMembers).dropLast()) + ",}", mentions: ["line", "not valid JSON"]),
            BadEnqueueLine(
                "single quotes", object(validMembers).replacingOccurrences(of: "\"", with: "'"),
                mentions: ["line", "not valid JSON"]),
            BadEnqueueLine(
                "two objects on one line", object(validMembers) + object(validMembers), mentions: ["line", "not valid JSON"]),
            BadEnqueueLine(
                "lone UTF-16 surrogate escape", with("userId", #""\uD800""#), mentions: ["line", "unpaired surrogate"]),
            BadEnqueueLine(
                "nesting 1000 levels deep",
                with("platform", String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)),
                mentions: ["line", "nesting"]),
            BadEnqueueLine("array", "[1,2,3]", mentions: ["line", "must be a JSON object, got array"]),
            BadEnqueueLine("string", #""a win""#, mentions: ["line", "must be a JSON object, got string"]),
            BadEnqueueLine("number", "42", mentions: ["line", "must be a JSON object, got number"]),
            BadEnqueueLine("null", "null", mentions: ["line", "must be a JSON object, got null"]),
            BadEnqueueLine("boolean", "true", mentions: ["line", "must be a JSON object, got boolean"]),
            BadEnqueueLine(
                "line of 1 MiB", with("token", quoted(String(repeating: "x", count: 1 << 20))),
                mentions: ["line", "65536-byte limit"]),
            BadEnqueueLine(
                "duplicate key amount", object(validMembers + [("amount", "56")]), mentions: ["line", "duplicate key \"amount\""]),
            BadEnqueueLine(
                "duplicate key reference", object(validMembers + [("reference", #""other""#)]),
                mentions: ["line", "duplicate key \"reference\""]),
            BadEnqueueLine("amount NaN (bare)", with("amount", "NaN"), mentions: ["line", "not valid JSON"]),
            BadEnqueueLine("amount Infinity (bare)", with("amount", "Infinity"), mentions: ["line", "not valid JSON"]),
            BadEnqueueLine("amount 0x10 (bare)", with("amount", "0x10"), mentions: ["line", "not valid JSON"]),
            BadEnqueueLine("amount with leading zero (bare)", with("amount", "05"), mentions: ["line", "not valid JSON"]),
        ]
    }()

    /// Every field that must be a string, given each JSON kind that is not one.
    static let wrongTypes: [BadEnqueueLine] = {
        let kinds = [("number", "5"), ("boolean", "true"), ("null", "null"), ("object", #"{"a":"b"}"#), ("array", #"["421"]"#)]
        var cases: [BadEnqueueLine] = []
        for field in requiredTextFields + optionalTextFields {
            for (kind, raw) in kinds {
                cases.append(
                    BadEnqueueLine("\(field) as \(kind)", with(field, raw), mentions: [field, "must be a string, got \(kind)"]))
            }
        }
        for (kind, raw) in kinds where kind != "number" {
            cases.append(
                BadEnqueueLine(
                    "amount as \(kind)", with("amount", raw), mentions: ["amount", "must be a number or a string, got \(kind)"]))
        }
        return cases
    }()

    static let missingOrEmpty: [BadEnqueueLine] =
        (requiredTextFields + ["amount"]).map { BadEnqueueLine("\($0) missing", without($0), mentions: [$0, "is missing"]) }
        + requiredTextFields.map { BadEnqueueLine("\($0) empty", with($0, #""""#), mentions: [$0, "is empty"]) }
        + [BadEnqueueLine("amount empty", with("amount", #""""#), mentions: ["amount", "is empty"])]

    static let controlCharacters: [BadEnqueueLine] = [
        BadEnqueueLine("userId with \\u0001", with("userId", #""42\u00011""#), mentions: ["userId", "control character"]),
        BadEnqueueLine(
            "gameId with escaped newline", with("gameId", #""Im_60\ntumble""#), mentions: ["gameId", "control character"]),
        BadEnqueueLine("roundId with tab", with("roundId", #""5103\t188801""#), mentions: ["roundId", "control character"]),
        BadEnqueueLine(
            "reference with NUL", with("reference", #""bad\u0000ref""#), mentions: ["reference", "control character"]),
        BadEnqueueLine("jackpotId with DEL", with("jackpotId", #""56\u007f8""#), mentions: ["jackpotId", "control character"]),
        BadEnqueueLine(
            "operator with carriage return", with("operator", #""casino-a\r""#), mentions: ["operator", "control character"]),
        BadEnqueueLine(
            "platform with ANSI escape", with("platform", #""\u001b[31mdesktop""#), mentions: ["platform", "control character"]),
        BadEnqueueLine("token with escaped newline", with("token", #""tok\nen""#), mentions: ["token", "control character"]),
    ]

    static let tooLong: [BadEnqueueLine] = {
        let limits = [
            ("operator", 64), ("userId", 128), ("gameId", 128), ("roundId", 128), ("reference", 128),
            ("jackpotId", 128), ("platform", 128), ("token", 512),
        ]
        return limits.map { field, limit in
            BadEnqueueLine(
                "\(field) of \(limit + 1) characters", with(field, quoted(String(repeating: "a", count: limit + 1))),
                mentions: [field, "longer than \(limit) characters"])
        } + [
            BadEnqueueLine(
                "reference of 129 multi-byte characters", with("reference", quoted(String(repeating: "€", count: 129))),
                mentions: ["reference", "longer than 128 characters"]),
            BadEnqueueLine(
                "timestamp of 17 digits", with("timestamp", quoted(String(repeating: "9", count: 17))),
                mentions: ["timestamp", "epoch milliseconds"]),
        ]
    }()

    static let badAmounts: [BadEnqueueLine] = [
        ("\"NaN\"", "not a plain decimal"), ("\"Infinity\"", "not a plain decimal"), ("0", "greater than zero"),
        ("\"0.00\"", "greater than zero"), ("-0", "must be positive"), ("-5", "must be positive"),
        ("\"-5\"", "must be positive"), ("1e3", "not a plain decimal"), ("\"1E3\"", "not a plain decimal"),
        ("\"0x10\"", "not a plain decimal"), ("\" 5\"", "not a plain decimal"), ("\"5 \"", "not a plain decimal"),
        ("\"5,00\"", "not a plain decimal"), ("\"+5\"", "not a plain decimal"), ("\"1_000\"", "not a plain decimal"),
        ("\"5.\"", "digit after the decimal point"), ("\".5\"", "digit before the decimal point"),
        ("\"1.2.3\"", "more than one decimal point"), ("\"05\"", "leading zero"),
        (String(repeating: "9", count: 19), "more than 18 integer digits"),
        ("\"" + String(repeating: "1", count: 19) + "\"", "more than 18 integer digits"),
        ("0.123456789", "more than 8 decimal places"), ("\"0.000000001\"", "more than 8 decimal places"),
        ("\"٥\"", "not a plain decimal"),
    ].map { raw, reason in BadEnqueueLine("amount \(raw)", with("amount", raw), mentions: ["amount", reason]) }

    static let badTimestamps: [BadEnqueueLine] = ["\"abc\"", "\"-1\"", "\"1.5\"", "\"0123\"", "\"\"", "\" 1\""].map {
        BadEnqueueLine("timestamp \($0)", with("timestamp", $0), mentions: ["timestamp", "epoch milliseconds"])
    }

    static let unknownKeys: [BadEnqueueLine] = [
        BadEnqueueLine(
            "unknown key roundid", with("roundid", #""1""#),
            mentions: ["roundid", "not a known field", "did you mean \"roundId\""]),
        BadEnqueueLine(
            "unknown key hash", with("hash", #""a8c7e9491d0388489dea4443545f7ea0""#), mentions: ["hash", "not a known field"]),
        BadEnqueueLine(
            "unknown key providerId", with("providerId", #""luckymonaco""#), mentions: ["providerId", "not a known field"]),
        BadEnqueueLine("unknown key currency", with("currency", #""EUR""#), mentions: ["currency", "not a known field"]),
        BadEnqueueLine(
            "unknown operator", with("operator", #""casino-z""#), mentions: ["operator", "casino-z", "not configured"]),
    ]

    static let all: [BadEnqueueLine] =
        notJSON + wrongTypes + missingOrEmpty + controlCharacters + tooLong + badAmounts + badTimestamps + unknownKeys
}

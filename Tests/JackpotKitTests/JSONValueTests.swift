import Testing
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct JSONValueTests {
    @Test(arguments: [
        ("9007199254740993", JSONValue.number("9007199254740993")),
        ("123456789012345678901234567890.000000000000000000001", .number("123456789012345678901234567890.000000000000000000001")),
        ("-0", .number("-0")),
        ("55.0", .number("55.0")),
        ("1E+400", .number("1E+400")),
        (" \t\r\n true ", .bool(true)),
        ("null", .null),
        (#""\u00e9\ud83d\ude00 \"\\\/\b\f\n\r\t""#, .string("é😀 \"\\/\u{08}\u{0C}\n\r\t")),
        ("\"ünïcødé\"", .string("ünïcødé")),
        ("[]", .array([])),
        ("{}", .object(JSONObject())),
        (
            #"[1,[2,[3,{"a":[]}]]]"#,
            .array([.number("1"), .array([.number("2"), .array([.number("3"), .object(JSONObject(["a": .array([])]))])])])
        ),
    ])
    func validDocuments(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test func objectsKeepKeyOrderAndExactNumbers() throws {
        let value = try JSONValue.parse(#"{"z":1.10,"a":{"id":18446744073709551616},"m":[null,false]}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["z", "a", "m"])
        #expect(object["z"] == .number("1.10"))
        #expect(object["a"]?.objectValue?["id"] == .number("18446744073709551616"))
        #expect(object["m"] == .array([.null, .bool(false)]))
        #expect(JSONWriter.serialize(value) == #"{"z":1.10,"a":{"id":18446744073709551616},"m":[null,false]}"#)
    }

    /// Invalid documents as (text, message fragment); byte-level cases are below.
    static let invalidTexts: [(String, String)] = [
        ("[1,]", "unexpected character"),
        (#"{"a":1,}"#, "expected a string key"),
        ("01", "leading zero"),
        ("-01", "leading zero"),
        ("1.", "no digit after '.'"),
        (".5", "unexpected character"),
        ("1e", "exponent"),
        ("NaN", "unexpected character"),
        ("Infinity", "unexpected character"),
        (#""\x""#, "invalid escape"),
        (#""\u12G4""#, "invalid \\u escape"),
        (#""\ud800""#, "unpaired surrogate"),
        (#""\udc00""#, "unpaired surrogate"),
        (#""\ud800\u0041""#, "unpaired surrogate"),
        ("\"a\u{01}\"", "control character"),
        ("\"abc", "unterminated string"),
        (#"{"a":1,"a":2}"#, "duplicate key \"a\""),
        ("{\"a\" 1}", "expected ':'"),
        ("1 2", "unexpected text after"),
        ("", "unexpected end of input"),
        ("tru", "invalid literal"),
        ((String(repeating: "[", count: 65) + String(repeating: "]", count: 65)), "nesting deeper than 64"),
    ]

    static let invalidInputs: [([UInt8], String)] =
        invalidTexts.map { (Array($0.0.utf8), $0.1) } + [
            ([0x22, 0xFF, 0x22], "invalid UTF-8"),
            ([0x22, 0xC3, 0x22], "invalid UTF-8"),
        ]

    @Test(arguments: invalidInputs)
    func invalidDocuments(bytes: [UInt8], expectedMessage: String) {
        #expect {
            try JSONValue.parse(bytes)
        } throws: { error in
            guard let parseError = error as? JSONParseError else { return false }
            return parseError.message.contains(expectedMessage)
        }
    }

    @Test func sixtyFourLevelsAreAllowed() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(text) }
    }

    @Test func errorsReportTheByteOffset() {
        #expect(throws: JSONParseError(message: "duplicate key \"id\"", offset: 10)) {
            try JSONValue.parse(#"{"id":1,  "id":2}"#)
        }
    }

    @Test(arguments: [
        "plain",
        "quote \" and backslash \\ and slash /",
        "newline\n tab\t return\r backspace\u{08} formfeed\u{0C}",
        "controls \u{00}\u{01}\u{1F}\u{7F}",
        "separators \u{2028}\u{2029}",
        "unicode é ß 中文 😀",
        "",
    ])
    func writerRoundTrip(text: String) throws {
        let quoted = JSONWriter.quoted(text)
        #expect(try JSONValue.parse(quoted) == .string(text))
        #expect(!quoted.dropFirst().dropLast().unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test(arguments: [
        ("a\"b", #""a\"b""#),
        ("back\\slash", #""back\\slash""#),
        ("line\nbreak", #""line\nbreak""#),
        ("\u{01}", #""\u0001""#),
        ("\u{2028}", #""\u2028""#),
        ("é😀", "\"é😀\""),
    ])
    func writerEscapes(text: String, expected: String) {
        #expect(JSONWriter.quoted(text) == expected)
    }

    @Test func writerRoundTripsNestedDocuments() throws {
        let text = #"{"b":[1,-2.5e-3,"x\ty"],"a":{"c":null,"d":true}}"#
        let value = try JSONValue.parse(text)
        #expect(JSONWriter.serialize(value) == text)
        #expect(try JSONValue.parse(JSONWriter.serialize(value)) == value)
    }
}

import Testing
import JackpotTelemetry
import JackpotWire
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct LoggerTests {
    /// 2026-11-21T11:42:00.123Z
    static let fixedMs: Int64 = 1_795_261_320_123

    private func makeLogger(_ format: LogFormat = .logfmt, minimum: LogLevel = .info) -> (Logger, CapturingSink) {
        let sink = CapturingSink()
        return (Logger(format: format, minimumLevel: minimum, sink: sink, clock: { Self.fixedMs }), sink)
    }

    @Test func logfmtLineMatchesTheDocumentedShape() {
        let (logger, sink) = makeLogger()
        logger.info(
            "attempt",
            [
                "operator": "casino-a", "reference": "abc", "attempt": 3, "status": 503,
                "duration_ms": 12.5, "outcome": "retry",
            ])
        #expect(
            sink.lines == [
                "ts=2026-11-21T11:42:00.123Z level=info event=attempt operator=casino-a reference=abc attempt=3 status=503 duration_ms=12.5 outcome=retry"
            ])
    }

    @Test func logfmtQuotesAndEscapesValuesThatWouldBreakTheLine() {
        let (logger, sink) = makeLogger()
        logger.warning(
            "odd",
            [
                "space": "two words", "empty": "", "equals": "a=b", "quote": #"say "hi""#,
                "backslash": #"C:\dir"#, "newline": "first\nsecond", "tab": "a\tb", "bell": "x\u{07}y",
                "flag": true, "label": "plain-value_1.2",
            ])
        let expected =
            #"ts=2026-11-21T11:42:00.123Z level=warning event=odd space="two words" empty="" "#
            + #"equals="a=b" quote="say \"hi\"" backslash="C:\\dir" newline="first\nsecond" tab="a\tb" "#
            + #"bell="x\u0007y" flag=true label=plain-value_1.2"#
        #expect(sink.lines == [expected])
    }

    @Test func everyEventIsExactlyOneLineWhateverItsContent() throws {
        for format in LogFormat.allCases {
            let (logger, sink) = makeLogger(format)
            logger.error("forged\nevent", ["body": "ok\r\nts=2026 level=error event=fake\u{2028}x\u{85}"])
            #expect(sink.lines.count == 1)
            let line = try #require(sink.lines.first)
            #expect(!line.contains("\n") && !line.contains("\r"))
            #expect(!line.unicodeScalars.contains { $0.value == 0x2028 })
            if format == .logfmt {  // NEL is plain JSON text, but logfmt readers may split on it
                #expect(!line.unicodeScalars.contains { $0.value == 0x85 })
            }
        }
    }

    @Test func jsonLineIsValidJSONWithOrderedKeysAndUnquotedNumbers() throws {
        let (logger, sink) = makeLogger(.json)
        logger.info("attempt", ["operator": "casino-a", "attempt": 3, "duration_ms": 12.5, "ok": false, "body": "a\"b\nc"])
        #expect(sink.lines.count == 1)
        let line = try #require(sink.lines.first)
        #expect(
            line
                == #"{"ts":"2026-11-21T11:42:00.123Z","level":"info","event":"attempt","operator":"casino-a","attempt":3,"duration_ms":12.5,"ok":false,"body":"a\"b\nc"}"#
        )
        let object = try #require(try JSONValue.parse(line).objectValue)
        #expect(object.keys == ["ts", "level", "event", "operator", "attempt", "duration_ms", "ok", "body"])
        #expect(object["attempt"] == .number("3"))
        #expect(object["duration_ms"] == .number("12.5"))
        #expect(object["body"] == .string("a\"b\nc"))
    }

    @Test func nonFiniteDoublesKeepJSONValid() throws {
        let (logger, sink) = makeLogger(.json)
        logger.info("weird", ["nan": .double(.nan), "inf": .double(.infinity)])
        let object = try #require(try JSONValue.parse(sink.lines[0]).objectValue)
        #expect(object["nan"]?.stringValue == "nan")
        #expect(object["inf"]?.stringValue == "inf")
    }

    @Test func eventsBelowTheMinimumLevelAreDropped() {
        let (logger, sink) = makeLogger(minimum: .warning)
        logger.debug("d")
        logger.info("i")
        logger.warning("w")
        logger.error("e")
        #expect(sink.lines.map { $0.split(separator: " ")[1] } == ["level=warning", "level=error"])
        #expect(!logger.isEnabled(.info) && logger.isEnabled(.error))
    }

    @Test func integerValuesOfAnyWidthAreLoggedAsNumbers() {
        let (logger, sink) = makeLogger()
        let count = 42
        logger.info("count", ["n": LogValue(count), "big": LogValue(UInt64.max), "text": "n=\(count)"])
        #expect(sink.lines == [#"ts=2026-11-21T11:42:00.123Z level=info event=count n=42 big=9223372036854775807 text="n=42""#])
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_709_251_199_999), "2024-02-29T23:59:59.999Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
    ])
    func timestampsAreUTCWithMilliseconds(ms: Int64, expected: String) {
        #expect(LogLineFormatter.timestamp(ms: ms) == expected)
    }

    @Test func maskedURLHidesQueryValuesAndPasswordsButKeepsKeys() {
        #expect(
            URLMasking.masked("https://op.example/api/win?authToken=s3cr3t&brand=x")
                == ("https://op.example/api/win?authToken=***&brand=***"))
        #expect(
            URLMasking.masked("https://user:pa55@op.example:8443/win?k=v#frag")
                == ("https://user:***@op.example:8443/win?k=***#frag"))
        #expect(URLMasking.masked("https://op.example/win") == ("https://op.example/win"))
        #expect(URLMasking.masked("http://op.example/win?flag&t=a=b&") == ("http://op.example/win?***&t=***&"))
    }
}

import Testing
import JackpotWire

/// The one reader and writer of dates: every form the config, the command
/// line, reports, logs, human output and backup names use, checked against
/// known epochs.
@Suite(.timeLimit(.minutes(1))) struct UTCTimeTests {
    private static func config(_ text: String) -> Int64? { UTCTime(parsing: text, .config)?.epochMilliseconds }
    private static func report(_ text: String) -> Int64? { UTCTime(parsing: text, .report)?.epochMilliseconds }

    @Test func theConfigAndCommandLineFormsAreAlwaysUTC() {
        #expect(Self.config("1970-01-01") == 0)
        #expect(Self.config("2026-11-01") == 1_793_491_200_000)
        #expect(Self.config("2026-11-01Z") == 1_793_491_200_000)
        #expect(Self.config("2026-11-01T14:30") == 1_793_543_400_000)
        #expect(Self.config("2026-11-01 14:30") == 1_793_543_400_000)
        #expect(Self.config("2026-11-01T14:30Z") == 1_793_543_400_000)
        #expect(Self.config("2026-11-01T14:30:05") == 1_793_543_405_000)
        #expect(Self.config("2026-11-01T14:30:05Z") == 1_793_543_405_000)
        #expect(Self.config("2024-02-29") == 1_709_164_800_000)
    }

    @Test func theConfigFormsRefuseWhatTheyDoNotName() {
        for text in [
            "", "2026-11-1", "26-11-01", "2026-13-01", "2025-02-29", "2026-11-01T24:00", "2026-11-01T14", "2026-11-01T14:30:",
            "2026-11-01T14:30:60", "2026-11-01T", "2026-11-01 Z", "2026-11-01T14:30:05ZZ", "2026-11-01T14:30:05.5Z",
            "2026-11-01T15:30:05+01:00", "1793491200000", "2026-+1-01", "２０２６-11-01",
        ] {
            #expect(Self.config(text) == nil, "\(text)")
        }
    }

    @Test func theReportFormsTakeFractionsOffsetsAndEpochMilliseconds() {
        #expect(Self.report("1970-01-01") == 0)
        #expect(Self.report("2026-12-01") == 1_796_083_200_000)
        #expect(Self.report("2026-12-01T06:00:00Z") == 1_796_104_800_000)
        #expect(Self.report("2026-12-01 06:00:00Z") == 1_796_104_800_000)
        #expect(Self.report("2026-12-01T06:00:00.5Z") == 1_796_104_800_500)
        #expect(Self.report("2026-12-01T06:00:00.123456Z") == 1_796_104_800_123)
        #expect(Self.report("2026-12-01T07:00:00+01:00") == 1_796_104_800_000)
        #expect(Self.report("2026-12-01T05:30:00-00:30") == 1_796_104_800_000)
        #expect(Self.report("1796104800000") == 1_796_104_800_000)
    }

    @Test func theReportFormsWantSecondsAndAZoneWithATime() {
        for text in [
            "2026-12-01T06:00:00", "2026-12-01T06:00Z", "2026-12-01T06:00:00.Z", "2026-12-01Z", "2026-12-01T06:00:00+1:00",
            "-5", "1.5", "1234567890123456",
        ] {
            #expect(Self.report(text) == nil, "\(text)")
        }
    }

    @Test func civilDatesOfOtherGrammarsAreCheckedToo() {
        #expect(UTCTime(year: 1994, month: 11, day: 6, hour: 8, minute: 49, second: 37)?.epochMilliseconds == 784_111_777_000)
        // A leap second counts as the next second, as in POSIX time.
        #expect(UTCTime(year: 2016, month: 12, day: 31, hour: 23, minute: 59, second: 60)?.epochMilliseconds == 1_483_228_800_000)
        #expect(UTCTime(year: 2025, month: 2, day: 29) == nil)
        #expect(UTCTime(year: 2026, month: 4, day: 31) == nil)
        #expect(UTCTime(year: 2026, month: 1, day: 1, hour: 24) == nil)
    }

    @Test func eachStyleWritesUTC() {
        let cases: [(ms: Int64, milliseconds: String, seconds: String, readable: String, compact: String)] = [
            (0, "1970-01-01T00:00:00.000Z", "1970-01-01T00:00:00Z", "1970-01-01 00:00:00Z", "19700101T000000Z"),
            (1_709_251_199_999, "2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59Z", "2024-02-29 23:59:59Z", "20240229T235959Z"),
            (-1, "1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59Z", "1969-12-31 23:59:59Z", "19691231T235959Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z", "2000-02-29T00:00:00Z", "2000-02-29 00:00:00Z", "20000229T000000Z"),
            (1_795_261_327_042, "2026-11-21T11:42:07.042Z", "2026-11-21T11:42:07Z", "2026-11-21 11:42:07Z", "20261121T114207Z"),
        ]
        for expected in cases {
            let time = UTCTime(epochMilliseconds: expected.ms)
            #expect(time.text(.milliseconds) == expected.milliseconds)
            #expect(time.text(.seconds) == expected.seconds)
            #expect(time.text(.readable) == expected.readable)
            #expect(time.text(.compact) == expected.compact)
        }
    }

    @Test func whatIsWrittenReadsBack() {
        for ms: Int64 in [0, 951_782_400_000, 1_709_251_199_000, 1_795_261_327_000, 4_102_444_799_000] {
            let time = UTCTime(epochMilliseconds: ms)
            #expect(UTCTime(parsing: time.text(.seconds), .config) == time)
            #expect(UTCTime(parsing: time.text(.readable), .config) == time)
            #expect(UTCTime(parsing: time.text(.seconds), .report) == time)
            #expect(UTCTime(parsing: (time + .milliseconds(7)).text(.milliseconds), .report) == time + .milliseconds(7))
        }
    }

    @Test func spansAddInWholeMillisecondsAndNeverIsStillNever() {
        let time = UTCTime(epochMilliseconds: 1_000)
        #expect(time + .milliseconds(1_500) == UTCTime(epochMilliseconds: 2_500))
        #expect(time + .microseconds(1_999) == UTCTime(epochMilliseconds: 1_001))
        #expect(time - .seconds(2) == UTCTime(epochMilliseconds: -1_000))
        #expect(UTCTime(epochMilliseconds: 2_500) - time == .milliseconds(1_500))
        #expect(UTCTime.distantFuture + .seconds(5) == .distantFuture)
        #expect(UTCTime.distantFuture - UTCTime(epochMilliseconds: -5) == .milliseconds(Int64.max))
        #expect(time < .distantFuture && UTCTime.epoch < time)
    }
}

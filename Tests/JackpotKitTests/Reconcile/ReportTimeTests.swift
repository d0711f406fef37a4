import Testing
import JackpotCLI

/// The times a report and `--from`/`--to` accept, checked against known epochs.
@Suite(.timeLimit(.minutes(1))) struct ReportTimeTests {
    @Test func acceptedFormsGiveTheirEpochMilliseconds() {
        #expect(ReportTime.parse("1970-01-01") == 0)
        #expect(ReportTime.parse("2026-12-01") == 1_796_083_200_000)
        #expect(ReportTime.parse("2026-12-01T06:00:00Z") == 1_796_104_800_000)
        #expect(ReportTime.parse("2026-12-01 06:00:00Z") == 1_796_104_800_000)
        #expect(ReportTime.parse("2026-12-01T06:00:00.5Z") == 1_796_104_800_500)
        #expect(ReportTime.parse("2026-12-01T06:00:00.123456Z") == 1_796_104_800_123)
        #expect(ReportTime.parse("2026-12-01T07:00:00+01:00") == 1_796_104_800_000)
        #expect(ReportTime.parse("2024-02-29") == 1_709_164_800_000)
        #expect(ReportTime.parse("1796104800000") == 1_796_104_800_000)
    }

    @Test func anythingElseIsRefusedNotGuessed() {
        for text in [
            "", "yesterday", "2026-13-01", "2025-02-29", "2026-12-01T25:00:00Z", "2026-12-01T06:00:00",
            "2026-12-01T06:00Z", "2026-12-01T06:00:00.Z", "01/12/2026", "2026-12-01Z", "-5", "1.5",
        ] {
            #expect(ReportTime.parse(text) == nil, "\(text)")
        }
    }
}

import Testing
import JackpotWire

/// Seconds from a config file or a header become a `Duration` without
/// floating-point crumbs and without a trap on values no rule can use.
@Suite(.timeLimit(.minutes(1))) struct DurationSecondsTests {
    @Test func decimalSecondsAreWholeMilliseconds() {
        #expect(Duration.seconds(clamping: 0.3) == .milliseconds(300))
        #expect(Duration.seconds(clamping: 0.3).wholeMilliseconds == 300)
        #expect(Duration.seconds(clamping: 2.5) == .milliseconds(2_500))
        #expect(Duration.seconds(clamping: -1.25) == .milliseconds(-1_250))
    }

    @Test func unusableValuesAreClampedNotTrapped() {
        #expect(Duration.seconds(clamping: .nan) == .zero)
        #expect(Duration.seconds(clamping: .infinity) == .seconds(9_000_000_000))
        #expect(Duration.seconds(clamping: -.infinity) == .seconds(-9_000_000_000))
        #expect(Duration.seconds(clamping: 1e300) == .seconds(9_000_000_000))
    }

    @Test func inSecondsReadsTheSpanBack() {
        #expect(Duration.milliseconds(1_500).inSeconds == 1.5)
        #expect(Duration.seconds(clamping: 40).inSeconds == 40)
        #expect(Duration.zero.inSeconds == 0)
    }
}

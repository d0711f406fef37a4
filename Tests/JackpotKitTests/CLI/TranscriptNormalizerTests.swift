import Testing
import Foundation
import TestSupport

/// The normalizer behind the documentation's transcript tests hides what a rerun cannot
/// reproduce, and nothing else.
@Suite struct TranscriptNormalizerTests {
    static let status = """
        operator        pend  send  deliv  fail  canc  oldest  next  circuit  1m/1h
        healthy-casino  3     0     20     0     0     7s      now   PAUSED   20/20

        Daemons:
                host  pid    started               last seen  sending
          live  vm    10534  2026-12-02 14:47:42Z  0s ago     0

        """

    @Test func aRerunsTimesAgesHostAndPidAreNotADifference() {
        let rerun = """
            operator        pend  send  deliv  fail  canc  oldest  next  circuit  1m/1h
            healthy-casino  3     0     20     0     0     12s     now   PAUSED   20/20

            Daemons:
                    host           pid     started               last seen  sending
              live  runner-7f2c9a  204611  2027-01-15 09:03:11Z  1s ago     0

            """
        #expect(TranscriptNormalizer.normalize(rerun) == TranscriptNormalizer.normalize(Self.status))
    }

    @Test func aDifferentCountStateOrMissingLineIsStillADifference() {
        let normalized = TranscriptNormalizer.normalize(Self.status)
        let oneMorePending = Self.status.replacingOccurrences(of: "3     0     20", with: "4     0     20")
        let notPaused = Self.status.replacingOccurrences(of: "PAUSED", with: "closed")
        let vanished = Self.status.replacingOccurrences(of: "  live  ", with: "  VANISHED  ")
        #expect(TranscriptNormalizer.normalize(oneMorePending) != normalized)
        #expect(TranscriptNormalizer.normalize(notPaused) != normalized)
        #expect(TranscriptNormalizer.normalize(vanished) != normalized)

        let log = """
            ts=2026-12-02T14:47:34.974Z level=info event=attempt operator=casino-c attempt=2 status=- duration_ms=0.4 outcome=retry
            ts=2026-12-02T14:47:34.976Z level=warning event=circuit operator=casino-c state=open consecutive_failures=2 probe_at=2026-12-02T14:48:34.973Z
            ts=2026-12-02T14:47:42.242Z level=warning event=win_failed operator=casino-c reason="max age"

            """
        let withoutCircuit = log.split(separator: "\n").filter { !$0.contains("event=circuit") }.joined(separator: "\n") + "\n"
        #expect(TranscriptNormalizer.normalize(withoutCircuit) != TranscriptNormalizer.normalize(log))
        let swapped = log.split(separator: "\n").reversed().joined(separator: "\n") + "\n"
        #expect(TranscriptNormalizer.normalize(swapped) != TranscriptNormalizer.normalize(log))
    }

    @Test func aDifferentColumnSetIsStillADifference() {
        let withoutCircuitColumn = Self.status
            .replacingOccurrences(of: "  circuit  ", with: "  ")
            .replacingOccurrences(of: "   PAUSED   ", with: "   ")
        #expect(TranscriptNormalizer.normalize(withoutCircuitColumn) != TranscriptNormalizer.normalize(Self.status))
    }

    @Test func eachVolatileTokenBecomesItsPlaceholder() {
        let line =
            "ts=2026-12-02T06:42:06.752Z event=start daemon=vm:10665:1d7xndo:99c5b30f-a1ba:4026531836 "
            + "detail=\"Failed to connect to 127.0.0.1 port 9 after 0 ms\" duration_ms=0.6 url=http://127.0.0.1:45835/V4"
        #expect(
            TranscriptNormalizer.normalize(line)
                == "ts=<time> event=start daemon=<daemon> detail=\"Failed to connect to 127.0.0.1 port <port> after <duration>\" "
                + "duration_ms=<ms> url=http://127.0.0.1:<port>/V4")
        // A configured timeout is not an age: `check` still shows it as it is.
        #expect(TranscriptNormalizer.normalize("concurrency 4  timeout 10s") == "concurrency 4  timeout 10s")
    }
}

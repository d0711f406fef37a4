import Foundation
import Testing
import JackpotCLI
import TestSupport
import JackpotStore
import OperatorSimulator

/// The probe transcript of docs/operations.md ("Onboarding a new operator") is
/// what the binary prints against the wallet the page describes: one reading
/// form bodies only and spelling `userid` and `roundid`, unknown to the
/// config. Compared after `TranscriptNormalizer` (ports); with
/// `JACKPOTD_DOCS_RECORD=1` the output is written back into the page instead.
@Suite(.timeLimit(.minutes(2)), .oneTestPerCore) struct ProbeDocsTranscriptTests {
    static let section = "## Onboarding a new operator"

    @Test func onboardingTranscriptIsWhatTheProbePrints() async throws {
        let docs = try DocsText(DocsText.operations)
        let transcript = try #require(docs.transcripts(in: Self.section).first, "\(docs.page) has no probe transcript")
        let wallet = try ScriptedOperator(
            secret: "casino-c-key",
            dialect: WalletDialect(fieldNames: ["userId": "userid", "roundId": "roundid"], formOnly: true))
        defer { wallet.stop() }
        let directory = TemporaryDirectory()
        let config = writeConfig(
            in: directory, operators: [TestOperator(name: "casino-c", url: wallet.url, secret: "casino-c-key")])
        _ = try Outbox(path: directory.path("outbox.sqlite3"))

        let result = await runCLI(Array(DocsText.words(transcript.command).dropFirst()) + ["--config", config])
        let printed = result.errors + result.output
        if ProcessInfo.processInfo.environment["JACKPOTD_DOCS_RECORD"] != nil {
            var lines = docs.lines
            var fresh = printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if fresh.last == "" { fresh.removeLast() }
            lines.replaceSubrange(transcript.outputLines, with: fresh)
            try lines.joined(separator: "\n").write(toFile: DocsText.path(of: docs.page), atomically: true, encoding: .utf8)
            return
        }
        #expect(
            TranscriptNormalizer.normalize(printed) == TranscriptNormalizer.normalize(transcript.output),
            "--- the page shows:\n\(transcript.output)--- the probe printed:\n\(printed)")
        #expect(result.code.rawValue == transcript.exitCode)
        #expect(wallet.snapshot.credited == 2)
    }
}

import Foundation
import Testing
import JackpotCLI
import TestSupport

/// The CLI reference (docs/operations.md) and `--help` cannot drift apart:
/// every command has a `$ jackpotd COMMAND --help` block there, and every
/// help block of every page is what the binary prints now (run in-process,
/// compared after `TranscriptNormalizer`, exit status included).
///
/// With `JACKPOTD_DOCS_RECORD=1` the test writes the binary's help back into
/// the pages instead of failing: how the help blocks are refreshed after a
/// help text changes.
@Suite(.timeLimit(.minutes(2))) struct CLIReferenceTests {
    @Test func everyCommandHasItsHelpInTheCLIReference() throws {
        let operations = try DocsText(DocsText.operations)
        let shown = Set(operations.transcripts.filter(\.isHelp).map(\.command))
        #expect(shown.contains("jackpotd --help"), "\(operations.page) does not show jackpotd --help")
        for command in CommandLineTool.commands {
            let name = command.name
            #expect(shown.contains("jackpotd \(name) --help"), "\(operations.page) does not show jackpotd \(name) --help")
        }
    }

    @Test func everyHelpBlockIsWhatTheBinaryPrints() async throws {
        let recording = ProcessInfo.processInfo.environment["JACKPOTD_DOCS_RECORD"] != nil
        var compared = 0
        for page in DocsText.pages {
            let docs = try DocsText(page)
            var lines = docs.lines
            for transcript in docs.transcripts.filter(\.isHelp).reversed() {
                let result = await runCLI(Array(DocsText.words(transcript.command).dropFirst()))
                let printed = result.errors + result.output
                compared += 1
                if recording {
                    var fresh = printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    if fresh.last == "" { fresh.removeLast() }
                    lines.replaceSubrange(transcript.outputLines, with: fresh)
                    continue
                }
                #expect(
                    TranscriptNormalizer.normalize(printed) == TranscriptNormalizer.normalize(transcript.output),
                    "\(page): $ \(transcript.command)\n--- the page shows:\n\(transcript.output)--- the binary printed:\n\(printed)"
                )
                #expect(result.code.rawValue == transcript.exitCode, "$ \(transcript.command): exit \(result.code.rawValue)")
            }
            if recording, lines != docs.lines {
                try lines.joined(separator: "\n").write(toFile: DocsText.path(of: page), atomically: true, encoding: .utf8)
            }
        }
        #expect(compared > CommandLineTool.commands.count)
    }
}

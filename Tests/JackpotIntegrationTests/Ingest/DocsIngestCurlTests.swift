import Foundation
import Testing
import JackpotStore
import TestSupport

/// docs/platform.md's "Over HTTP" examples replayed as a platform engineer
/// would type them: each `$ curl …` runs with the real `curl` (through `sh`, so
/// `$JACKPOTD_TOKEN` and the quoting are the shell's) against a real
/// `jackpotd run` listening on loopback, and prints what the page shows.
/// `$ cat FILE` defines FILE. The page's `https://jackpotd.internal:8470`
/// becomes the listener's `http://127.0.0.1:PORT` (TLS is
/// `IngestTLSTests`'s), and the status answer's `createdAt`/`deliveredAt`
/// (epoch ms of this run) are compared as placeholders; everything else,
/// wallet's transaction id included, is compared as printed.
@Suite(.timeLimit(.minutes(3)), .oneTestPerCore) struct DocsIngestCurlTests {
    static let shownURL = "https://jackpotd.internal:8470"

    @Test func theCurlExamplesPrintWhatThePageShows() async throws {
        let curl = try ExternalProgram.require("curl", package: "curl")
        let shell = try ExternalProgram.require("sh", package: "dash")
        let docs = try DocsText(DocsText.platform)
        let section = try #require(docs.section("### Over HTTP"), "\(docs.page) has no Over HTTP section")
        let steps = Self.commands(in: section)
        try #require(
            steps.map { DocsText.words($0.command).first } == ["curl", "cat", "curl", "curl"],
            "\(docs.page)'s Over HTTP examples changed shape: \(steps.map(\.command))")

        let daemon = try await IngestDaemon()
        let local = "http://127.0.0.1:\(daemon.port)"
        for step in steps {
            let words = DocsText.words(step.command)
            if words.first == "cat" {
                daemon.directory.write(words[1], step.output)
                continue
            }
            try #require(step.command.contains(Self.shownURL), "$ \(step.command) does not call \(Self.shownURL)")
            let command = curl + step.command.dropFirst("curl".count).replacingOccurrences(of: Self.shownURL, with: local)
            let run = try ExternalProgram.run(
                shell, ["-c", command], environment: ["JACKPOTD_TOKEN": daemon.platformToken], directory: daemon.directory.path)
            #expect(run.status == 0, "$ \(step.command): curl exited \(run.status)\n\(run.output)")
            #expect(
                Self.normalize(run.output) == Self.normalize(step.output),
                "\(docs.page) (Over HTTP): $ \(step.command)\n--- the page shows:\n\(step.output)--- curl printed:\n\(run.output)"
            )
            // Each example starts from the previous one's wins delivered, as the page's run did.
            let settled = try await eventually { try daemon.probe.wins().allSatisfy { $0.state == .delivered } }
            try #require(settled, "the stored wins were never all delivered:\n\(daemon.process.log)")
        }
        await daemon.stop()
    }

    @Test func theStatusAnswersTimesAreTheOnlyNormalizedParts() {
        let shown =
            #"{"reference":"r","state":"delivered","transactionId":"tx-1","deliveredAt":1796582606131,"createdAt":1796582605999}"#
        let printed = #"{"reference":"r","state":"delivered","transactionId":"tx-1","deliveredAt":1,"createdAt":2}"#
        #expect(Self.normalize(shown) == Self.normalize(printed))
        #expect(Self.normalize(shown) != Self.normalize(printed.replacingOccurrences(of: "tx-1", with: "tx-2")))
    }

    /// `TranscriptNormalizer`, then the status answer's epoch-ms times; a final newline
    /// is the page's (curl prints the body as sent).
    static func normalize(_ text: String) -> String {
        var text = TranscriptNormalizer.normalize(text)
        text = text.replacingOccurrences(of: #""(createdAt|deliveredAt)":\d+"#, with: #""$1":<ms>"#, options: .regularExpression)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Each `$ COMMAND` of the section's fenced blocks (a line ending in `\` continues on the
    /// next, kept as the shell reads it) with the lines after it, up to the next command or the fence.
    static func commands(in section: String) -> [(command: String, output: String)] {
        var found: [(command: String, output: String)] = []
        var inFence = false
        var continuing = false
        for line in section.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                inFence.toggle()
                continuing = false
            } else if inFence, continuing {
                found[found.count - 1].command += "\n" + line
                continuing = line.hasSuffix("\\")
            } else if inFence, line.hasPrefix("$ ") {
                found.append((String(line.dropFirst(2)), ""))
                continuing = line.hasSuffix("\\")
            } else if inFence, !found.isEmpty {
                found[found.count - 1].output += line + "\n"
            }
        }
        return found
    }
}

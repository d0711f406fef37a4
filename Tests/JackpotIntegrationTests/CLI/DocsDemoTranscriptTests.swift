import Foundation
import Testing
import TestSupport

/// docs/operations.md's `### demo`: the built `jackpotd demo --wins 30 --keep`
/// as a child (`TMPDIR` in the examples' directory, as the page ran it),
/// compared with the page's transcript.
///
/// flaky-casino's faults are drawn at random and progress lines come once a
/// second, so these lines are compared by shape only (every number becomes
/// `N`, and a run of equal progress lines counts as one): the progress lines,
/// `attempts`, `call latency` and `enqueue→credit`, and the repeats the
/// wallets answered. Every other line and figure — the outbox, the two wallets
/// and what they do, `delivered 30 of 30` (its time normalized), `credited 30
/// wins once each`, `0 bad hashes`, `result`, what `--keep` kept — is compared
/// exactly after `TranscriptNormalizer`, and so is the exit status. The page says
/// which figures vary.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DocsDemoTranscriptTests {
    static let varyingPrefixes = ["healthy-casino ", "attempts ", "call latency ", "enqueue→credit "]

    @Test func demoPrintsWhatThePageShows() async throws {
        let session = try DocsSession(page: DocsText.operations)
        let transcripts = session.docs.transcripts(in: "### demo").filter { !$0.isHelp }
        let transcript = try #require(transcripts.first)
        #expect(transcripts.count == 1)
        let arguments = Array(DocsText.words(transcript.command).dropFirst())
        try #require(arguments.first == "demo", "\(transcript.command)")

        let logPath = session.directory.path("demo-output.txt")
        try #require(FileManager.default.createFile(atPath: logPath, contents: nil))
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = DaemonProcess.binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = session.root
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let ended = await eventually(within: 240) { !process.isRunning }
        if !ended { process.terminate() }
        try #require(ended, "jackpotd demo did not finish")
        let printed = session.unmapped(try String(contentsOfFile: logPath, encoding: .utf8))

        #expect(
            Self.shape(printed) == Self.shape(transcript.output),
            "\(session.docs.page): $ \(transcript.command)\n--- the page shows:\n\(transcript.output)--- the binary printed:\n\(printed)"
        )
        #expect(process.terminationStatus == transcript.exitCode)
    }

    /// The normalized lines, the varying ones by shape, runs of equal lines as one.
    static func shape(_ text: String) -> [String] {
        var lines: [String] = []
        for line in TranscriptNormalizer.normalize(text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        {
            let compared =
                varyingPrefixes.contains(where: line.hasPrefix)
                ? line.replacingOccurrences(of: #"[0-9]+(\.[0-9]+)?"#, with: "N", options: .regularExpression)
                : line.replacingOccurrences(
                    of: #"answered [0-9]+ repeats"#, with: "answered N repeats", options: .regularExpression)
            if lines.last != compared { lines.append(compared) }
        }
        return lines
    }
}

import Foundation
import Testing
import TestSupport
import JackpotStore
import OperatorSimulator

/// The CLI reference's transcripts (docs/operations.md) are what the binary
/// prints. This is the page's main example, replayed in the order it ran
/// (which is not the order of the page's sections): the page's config with its
/// wallets live on loopback, 30 wins delivered by the real dispatcher, then
/// every transcript of the command sections but `demo` and `reconcile` (their
/// own suites) and of "Using the CLI on a server", compared after
/// `TranscriptNormalizer`. The `--help` blocks are `CLIReferenceTests`'.
///
/// Deterministic by construction: `healthy-casino` credits every call;
/// `flaky-casino` (concurrency 1) answers its first win with a reset, a lost
/// answer and a 503 while it is the only flaky win in the outbox, and every
/// later win at once; `casino-c` is a closed port whose circuit opens after
/// two refused calls and stays open, so its win fails at max age after exactly
/// two attempts. The waits are on win states and log lines, never on time.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DocsTranscriptTests {
    static let sections = [
        "### check", "### enqueue", "### pause and resume", "### run", "### status", "### list", "### show",
        "### retry", "### cancel", "### export", "### backup", "### purge", "### Usage errors",
        "## Using the CLI on a server",
    ]

    @Test func operationsPagePrintsWhatTheBinaryPrints() async throws {
        let session = try DocsSession(page: DocsText.operations)
        let healthy = try ScriptedOperator(secret: DocsSession.secret("healthy-casino"))
        let flaky = try ScriptedOperator(secret: DocsSession.secret("flaky-casino"), numericTransactionIds: true)
        let closed = ClosedPort()
        defer { healthy.stop(); flaky.stop() }
        try Self.writeSetup(
            of: session, ports: ["healthy-casino": healthy.port, "flaky-casino": flaky.port, "casino-c": closed.port])

        // The outbox: win-000002 alone first, so flaky-casino's faults all land on it; then 29 more.
        flaky.enqueueFaults([.resetBeforeAnswer, .delayThenAnswer(seconds: 1.5), .status(503, body: "busy")])
        try await session.enqueue(Self.populationWins.filter { $0.reference == "win-000002" }.map(\.line))
        try await session.deliver { try $0.win(reference: "win-000002")?.state == .delivered }
        try await session.enqueue(Self.populationWins.filter { $0.reference != "win-000002" }.map(\.line))
        try await session.deliver {
            try $0.database.queryScalar("SELECT count(*) FROM wins WHERE state = 'delivered'").integerValue == 30
        }

        try await session.replay("### check")
        try await session.replay("### enqueue")
        try await session.replay("### pause and resume", 0)
        session.stopRunWhen = { $0.contains("event=win_failed") }
        try await session.replay("### run")
        try await session.replay("### status", 0, 1)

        // A daemon running, then killed with SIGKILL.
        let daemon = try DaemonProcess(
            ["run"], logPath: session.directory.path("live-daemon.log"), environment: session.environment)
        let outbox = try Outbox(path: session.directory.path("demo/outbox.sqlite3"))
        let beating = await eventually(within: 60) {
            (try? outbox.database.queryScalar("SELECT count(*) FROM daemons").integerValue) == 1
        }
        try #require(beating, "the daemon wrote no heartbeat:\n\(daemon.log)")
        try await session.replay("### status", 2)
        daemon.send(SIGKILL)
        try #require(await daemon.waitForExit(within: 60) != nil, "the killed daemon did not exit")
        try await session.replay("### status", 3)

        try await session.replay("### list")
        try await session.replay("### show", 0, 1, 2, 3, 4)
        try await session.replay("## Using the CLI on a server")
        try await session.replay("### show", 5, 6)
        try await session.replay("### retry")
        try await session.replay("### cancel")
        try await session.replay("### pause and resume", 1, 2)
        try await session.replay("### export")
        try await session.replay("### backup")
        try await session.replay("### purge")
        try await session.replay("### Usage errors")
        try session.finish(covering: Self.sections, elsewhere: ["### status": DocsReconcileTranscriptTests.statusTranscripts])
    }

    // MARK: The session's setup

    /// The page's config (its ports replaced by the live wallets'), the secrets, wins.jsonl, bad-config.json.
    static func writeSetup(of session: DocsSession, ports: [String: Int]) throws {
        try session.writeConfig(blockAfter: "The config (`/tmp/jackpotd-docs/config.json`", ports: ports)
        try FileManager.default.createDirectory(atPath: session.directory.path("demo"), withIntermediateDirectories: true)
        session.writeFile("wins.jsonl", try #require(session.docs.jsonBlock(after: "`wins.jsonl` holds")))
        session.writeFile("bad-config.json", try #require(session.docs.jsonBlock(after: "(`bad-config.json`)")))
    }

    /// The page's 30 delivered wins: `win-000000`…`win-000029`, every third one flaky-casino's.
    static let populationWins: [(reference: String, line: String)] = (0..<30).map { number in
        let reference = String(format: "win-%06d", number)
        let flaky = number % 3 == 2
        let amount = String(format: "%.2f", 1 + Double(number) * 79.19)
        var line =
            "{\"operator\":\"\(flaky ? "flaky-casino" : "healthy-casino")\",\"userId\":\"\(1000 + number)\","
            + "\"gameId\":\"Im_60_tumblefortune\",\"roundId\":\"\(5_103_188_801 + number)\",\"amount\":\(amount),"
            + "\"reference\":\"\(reference)\",\"jackpotId\":\"\(flaky ? 570 : 568)\",\"timestamp\":\"\(1_796_191_200_000 + number * 1000)\""
        if flaky { line += ",\"platform\":\"desktop\",\"token\":\"tok-\(1000 + number)\"" }
        return (reference, line + "}")
    }
}

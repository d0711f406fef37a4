import Foundation
import Testing
import TestSupport
import OperatorSimulator

/// README's five-minute tour prints what the binary prints: its config and
/// secret written from the page (`$ cat …`), its wallet
/// (`https://wallet.casino-a.example`) a simulated one on loopback that checks
/// every hash, then `check`, `enqueue --create`, `run` (the built binary,
/// stopped with SIGINT as Ctrl-C would once the win is delivered), `status`
/// and `show`, each compared after `TranscriptNormalizer`.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct ReadmeTourTranscriptTests {
    static let walletShown = "https://wallet.casino-a.example"

    @Test func tourPrintsWhatTheBinaryPrints() async throws {
        let session = try DocsSession(page: DocsText.readme)
        let secret = try #require(session.docs.transcripts.first { $0.command == "cat casino-a.secret" }?.output)
        let wallet = try ScriptedOperator(secret: secret.trimmingCharacters(in: .newlines))
        defer { wallet.stop() }
        // The page's https wallet is this loopback one, which speaks plain HTTP.
        session.replacements = [
            (
                shown: "\"url\": \"\(Self.walletShown)",
                local: "\"allowInsecureHTTP\": true, \"url\": \"http://127.0.0.1:\(wallet.port)"
            ),
            (shown: Self.walletShown, local: "http://127.0.0.1:\(wallet.port)"),
        ]
        session.configPath = session.directory.path("config.json")
        session.stopRunWhen = { $0.contains("outcome=delivered") }
        session.stopSignal = SIGINT

        let sections = try Self.tourSections(of: session.docs)
        for section in sections { try await session.replay(section) }
        try session.finish(covering: sections)
        #expect(wallet.snapshot.credited == 1)
    }

    /// The `##` heading of the tour, and every heading under it that holds transcripts.
    static func tourSections(of docs: DocsText) throws -> [String] {
        let heading = "## Five minutes with jackpotd"
        try #require(docs.section(heading) != nil, "README has no \(heading)")
        let sections = docs.transcripts.map(\.section).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        #expect(sections == [heading], "README's transcripts are all in its tour: \(sections)")
        return sections
    }
}

import Foundation
import Testing
import JackpotStore
import TestSupport

/// A wallet that resets every kept-alive connection it is sent a second request
/// on: libcurl sends such a request again on another connection inside the same
/// call. Every request that reaches the wallet must be in the attempt log, as an
/// attempt or as a re-send counted in one, and no attempt may send more than twice.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct ResendAuditTests {
    /// "sent N times" in an attempt's detail; once when it says nothing.
    static func timesSent(_ detail: String) -> Int {
        guard let range = detail.range(of: #"sent (\d+) times"#, options: .regularExpression) else { return 1 }
        return Int(detail[range].split(separator: " ")[1]) ?? 1
    }

    @Test func everyRequestTheWalletReceivesIsInTheAttemptLog() async throws {
        let directory = TemporaryDirectory()
        let wallet = KeepAliveResetServer()
        defer { wallet.stop() }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: wallet.url, secret: "resend-secret",
                    extra: fastDelivery(timeoutSeconds: 5, concurrency: 4))
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let wins = winReferences("resend", 40)
        try probe.enqueue(wins, operator: "casino-a")

        let daemon = try RunningDispatcher(configPath: config)
        let delivered = try await eventually(within: 60) { try probe.allDelivered(wins) }
        try await daemon.stop()
        try #require(delivered, "\(daemon.log.suffix(20))")

        let details = try probe.query("SELECT detail FROM attempts").compactMap { $0.string("detail") }
        let sent = details.map(Self.timesSent)
        #expect(wallet.bodies.count == sent.reduce(0, +), "wallet got \(wallet.bodies.count) requests; the log shows \(details)")
        #expect(sent.allSatisfy { $0 <= 2 }, "\(details)")
        #expect(sent.contains(2), "no re-send happened: \(details)")
    }
}

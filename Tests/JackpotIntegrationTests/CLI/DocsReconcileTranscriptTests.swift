import Foundation
import Testing
import TestSupport
import JackpotStore
import OperatorSimulator

/// docs/operations.md's `reconcile` and `status`'s past-duplicate-window
/// examples: the page's outage outbox, built as the page says, then its
/// transcripts replayed and compared (`DocsSession`).
///
/// Deterministic: the wallet credits one call at a time (concurrency 1), so
/// `win-000000`…`win-000007` get `tx-1`…`tx-8` and the two outage wins it
/// credits before resetting get `tx-9` and `tx-10`; the next try is a minute
/// away while max age is 7.2 s, so each outage win fails after exactly one
/// attempt. The waits are on win states.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DocsReconcileTranscriptTests {
    /// The past-duplicate-window transcripts of `### status`, which run in this suite's outbox.
    static let statusTranscripts: Set<Int> = [4, 5]

    @Test func outageOutboxPrintsWhatThePageShows() async throws {
        let session = try DocsSession(page: DocsText.operations)
        let wallet = try ScriptedOperator(secret: DocsSession.secret("healthy-casino"))
        defer { wallet.stop() }
        try session.writeConfig(blockAfter: "(`/tmp/jackpotd-docs/reconcile/config.json`", ports: ["healthy-casino": wallet.port])

        let delivered = (0..<8).map { number in
            Self.win(
                String(format: "win-%06d", number), userId: 1000 + number, roundId: 5_103_188_801 + number,
                amount: String(format: "%.2f", 1 + Double(number) * 79.19))
        }
        try await session.enqueue(delivered)
        try await session.deliver { try Self.count($0, "delivered") == 8 }
        wallet.enqueueFaults([.creditThenReset, .creditThenReset, .resetBeforeAnswer])
        try await session.enqueue(
            (1...3).map { number in
                Self.win("outage-00\(number)", userId: 420 + number, roundId: 510_318_890 + number, amount: "2\(number).50")
            })
        try await session.deliver { try Self.count($0, "failed") == 3 }
        #expect(wallet.snapshot.credited == 10)

        // A test cannot wait 72 hours: outage-003 and its attempt are moved back, as the page says.
        let outbox = try Outbox(path: session.directory.path("reconcile/outbox.sqlite3"))
        try outbox.database.execute(
            "UPDATE attempts SET started_at = started_at - 262800000 WHERE win_id = (SELECT id FROM wins WHERE reference = 'outage-003')"
        )
        try outbox.database.execute("UPDATE wins SET created_at = created_at - 262800000 WHERE reference = 'outage-003'")

        try await session.replay("### status", 4, 5)
        try await session.replay("### reconcile")
        try session.finish(covering: ["### reconcile"])
    }

    static func win(_ reference: String, userId: Int, roundId: Int, amount: String) -> String {
        "{\"operator\":\"healthy-casino\",\"userId\":\"\(userId)\",\"gameId\":\"Im_60_tumblefortune\",\"roundId\":\"\(roundId)\","
            + "\"amount\":\(amount),\"reference\":\"\(reference)\",\"jackpotId\":\"568\",\"timestamp\":\"1796193457301\"}"
    }

    static func count(_ outbox: Outbox, _ state: String) throws -> Int64 {
        try outbox.database.queryScalar("SELECT count(*) FROM wins WHERE state = ?", [.text(state)]).integerValue ?? -1
    }
}

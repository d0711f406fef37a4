import Foundation
import Testing
import JackpotStore
import OperatorSimulator
import TestSupport

/// SIGTERM while the operator's confirmations cannot be stored (another writer
/// holds the outbox's lock for good here; a full disk does the same): once the
/// daemon has tried long enough, it names every confirmation it must drop (reference
/// and transactionId, at error level) and exits 1, so ops can reconcile them
/// instead of finding out from the operator.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct UnrecordedConfirmationsTests {
    @Test func confirmationsThatCannotBeStoredAtShutdownAreNamedAndTheExitIsOne() async throws {
        let rig = try ChildDaemonRig(extraTopLevel: #""busyTimeoutSeconds": 0.1"#)
        defer {
            rig.answers.open()
            rig.wallet.stop()
        }
        let (before, during) = try await rig.startWithCallsInFlight()
        let blocker = try Database(path: rig.databasePath)
        try blocker.execute("BEGIN IMMEDIATE")
        rig.answers.open()
        let credited = await eventually { rig.wallet.snapshot.credited == before.count + during.count }
        try #require(credited)
        let blocked = await eventually { !rig.events("storage_error").isEmpty }
        try #require(blocked, "\(rig.daemon?.log ?? "")")

        let status = await rig.stopDaemon()
        try blocker.execute("ROLLBACK")

        #expect(status == 1, "\(rig.daemon?.log ?? "")")
        let dropped = rig.events("confirmation_not_recorded")
        #expect(dropped.count == during.count, "\(rig.daemon?.log ?? "")")
        for reference in during {
            let transactionId = try #require(rig.wallet.credit(for: reference)?.transactionId)
            #expect(
                dropped.contains { line in
                    line.contains("level=error") && line.contains("reference=\(reference) ")
                        && line.contains("transaction_id=\(transactionId)")
                }, "\(reference) / \(transactionId) not named: \(dropped)")
        }
        #expect(try rig.probe.count(.delivered) == before.count)
    }
}

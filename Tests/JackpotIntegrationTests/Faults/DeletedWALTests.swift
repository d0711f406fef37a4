import Foundation
import Testing
import JackpotCLI
import JackpotIngest
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// The outbox's write-ahead log deleted (`rm outbox.sqlite3-wal`) under a running
/// daemon, then the daemon killed with `kill -9`.
///
/// Every commit not yet checkpointed lives only in the `-wal` file. Deleting it
/// does not take it from the processes holding it open, so they would go on
/// committing into a file nobody else reads, and the next crash would lose all of
/// it: accepted wins and recorded deliveries alike. The daemon checks the file's
/// identity every housekeeping pass; when it is gone it writes what the log holds
/// into the database file, says so, stops claiming and exits 1. Every other
/// connection refuses to commit into a deleted log.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DeletedWALTests {
    private func newWin(_ reference: String) throws -> NewWin {
        try WinLineParser.parse(Array(winLine(reference, operator: "casino-a").utf8), now: WallClock.nowMilliseconds())
    }

    @Test func aDeletedWALLosesNothingAcknowledgedThroughAKill9() async throws {
        let rig = try ChildDaemonRig()
        defer {
            rig.answers.open()
            rig.wallet.stop()
        }
        // A platform's long-lived library connection, opened while all is well.
        let (before, during) = try await rig.startWithCallsInFlight()
        var platform: Outbox? = try Outbox(path: rig.databasePath)
        #expect(try platform?.enqueue([newWin("library-before")]) == [.accepted])
        // Nothing was checkpointed yet: every win so far lives in the -wal file only.
        try FileManager.default.removeItem(atPath: rig.databasePath + "-wal")

        var refusal = ""
        do {
            _ = try platform?.enqueue([newWin("library-after")])
        } catch {
            refusal = String(describing: error)
        }
        #expect(refusal.contains("outbox.sqlite3-wal"), "the library acknowledged a win into a deleted log: \(refusal)")
        // Closed now, while the daemon still has the outbox open, it saves nothing on its way out.
        platform = nil

        // The daemon notices within a housekeeping pass, saves what the log held and says so;
        // it is still waiting for its calls in flight when it is killed.
        let noticed = await eventually(within: 20) { !rig.events("wal_deleted").isEmpty }
        #expect(noticed, "\(rig.daemon?.log ?? "")")
        let event = rig.events("wal_deleted").first ?? ""
        #expect(event.contains("level=error"), "\(event)")
        let afterRemoval = ChildDaemonRig.references("cli-after", 2)
        let cliEnqueue = await rig.enqueue(afterRemoval)
        rig.daemon?.send(SIGKILL)
        _ = await rig.daemon?.waitForExit(within: 15)

        // A new daemon: everything acknowledged is there; what was delivered stays delivered.
        var acknowledged = before + during + ["library-before"]
        if cliEnqueue.code == .success { acknowledged += afterRemoval }
        #expect(try rig.probe.missing(acknowledged) == [])
        #expect(try rig.probe.allDelivered(before), "deliveries recorded before the kill were lost")
        rig.wallet.setFaultPlan(nil)
        try rig.startDaemon()
        #expect(try await eventually { try rig.probe.allDelivered(acknowledged) })
        #expect(await rig.stopDaemon() == 0)
        #expect(try rig.audit(expected: acknowledged) == [])
        for reference in before {
            #expect(try rig.probe.attempts(reference).count == 1, "\(reference) was sent again")
        }
    }

    /// While a process other than a daemon holds the deleted log (nothing saves it),
    /// `status` says what happened instead of a bare "disk I/O error".
    @Test func statusNamesADeletedWAL() async throws {
        let directory = TemporaryDirectory()
        let database = directory.path("outbox.sqlite3")
        let platform = try Outbox(path: database)
        #expect(try platform.enqueue([newWin("held-1"), newWin("held-2")]) == [.accepted, .accepted])
        try FileManager.default.removeItem(atPath: database + "-wal")

        let status = await runCLI(["status", "--db", database])
        #expect(status.code == .failure)
        #expect(
            status.errors.contains("write-ahead log \(database)-wal was deleted while a process had the outbox open"),
            "\(status.errors)")
        withExtendedLifetime(platform) {}
    }

    @Test func theDaemonStopsClaimingExitsOneAndSaysSoInItsMetrics() async throws {
        let rig = try ChildDaemonRig()
        defer { rig.wallet.stop() }
        let metricsPath = rig.directory.path("jackpotd.prom")
        try rig.startDaemon(extraArguments: ["--metrics-file", metricsPath])
        let first = ChildDaemonRig.references("first", 3)
        #expect(await rig.enqueue(first).code == .success)
        #expect(try await eventually { try rig.probe.allDelivered(first) })

        try FileManager.default.removeItem(atPath: rig.databasePath + "-wal")
        #expect(await rig.daemon?.waitForExit(within: 20) == 1, "\(rig.daemon?.log ?? "")")
        #expect(rig.events("wal_deleted").count == 1, "\(rig.daemon?.log ?? "")")
        let metrics = (try? String(contentsOfFile: metricsPath, encoding: .utf8)) ?? ""
        #expect(metrics.contains("\njackpotd_wal_deleted 1\n"), "\(metrics)")
        #expect(try rig.probe.allDelivered(first))
        let status = await runCLI(["status", "--db", rig.databasePath])
        #expect(status.code == .success, "\(status.errors)")

        // Restarted (as systemd does), the daemon works on the file at the path again.
        try rig.startDaemon()
        let second = ChildDaemonRig.references("second", 3)
        #expect(await rig.enqueue(second).code == .success)
        #expect(try await eventually { try rig.probe.allDelivered(second) })
        #expect(await rig.stopDaemon() == 0)
        #expect(try rig.audit(expected: first + second) == [])
        #expect(rig.wallet.snapshot.duplicates == 0)
    }
}

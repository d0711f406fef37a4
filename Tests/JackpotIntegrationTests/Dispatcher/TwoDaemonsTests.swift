import Foundation
import Testing
import JackpotDelivery
import JackpotStore
import OperatorSimulator
import TestSupport

/// Two dispatchers on one database, as two daemons would run: leases keep
/// every win in flight at most once, so the operator never sees a repeat.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct TwoDaemonsTests {
    @Test func twoDispatchersOnOneDatabaseNeverSendTheSameWinTwice() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "shared-secret")
        defer { wallet.stop() }
        // Slow enough answers that both dispatchers hold leases at the same time.
        wallet.setFaultPlan { _ in .delayThenAnswer(seconds: 0.05) }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: "shared-secret", extra: fastDelivery(concurrency: 4))
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let wins = winReferences("shared", 200)
        try probe.enqueue(wins, operator: "casino-a")

        let host = ProcessInfo.processInfo.hostName
        let first = LeaseOwner(host: host, pid: getpid(), nonce: "first")
        let second = LeaseOwner(host: host, pid: getpid(), nonce: "second")
        let one = try RunningDispatcher(configPath: config, owner: first)
        let two = try RunningDispatcher(configPath: config, owner: second)
        let allDelivered = try await eventually(within: 60) { try probe.count(.delivered) == wins.count }
        try await one.stop()
        try await two.stop()

        #expect(allDelivered)
        let snapshot = wallet.snapshot
        #expect(snapshot.credited == wins.count)
        #expect(snapshot.duplicates == 0)
        #expect(snapshot.requests == wins.count)
        for win in try probe.wins() {
            #expect(win.attempts == 1)
            #expect(win.transactionId == wallet.credit(for: win.reference)?.transactionId)
            #expect(wallet.credit(for: win.reference)?.timesReceived == 1)
        }
        #expect(try probe.attemptCount() == wins.count)
        // Both really took part.
        let daemons = Set(try probe.query("SELECT DISTINCT daemon FROM attempts").compactMap { $0.string("daemon") })
        #expect(daemons == [first.description, second.description])
    }
}

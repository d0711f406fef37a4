import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import TestSupport

/// `jackpotd takeover --host H`: a restored outbox's leases of a daemon on a
/// host that is gone go back to pending, only once its heartbeat is stale, only
/// that host's, and the ops trail and `status` say who did it.
@Suite(.timeLimit(.minutes(2))) struct TakeoverTests {
    let directory = TemporaryDirectory()
    var database: String { directory.path("outbox.sqlite3") }
    var environment: [String: String] { ["USER": "ops-bob"] }

    /// Wins `lost-1…3` leased by a daemon of `jackpotd-a`, `here-1` by one of this host,
    /// and the heartbeat `jackpotd-a`'s daemon wrote `ageMilliseconds` ago.
    func outboxWithLostLeases(heartbeatAge ageMilliseconds: Int64) throws -> Outbox {
        let probe = OutboxProbe(database)
        try probe.enqueue(["lost-1", "lost-2", "lost-3", "here-1"], operator: "casino-a")
        let outbox = try Outbox(path: database)
        let now = WallClock.nowMilliseconds()
        let lost = "jackpotd-a:4242:k3x9:boot-a:4026531836"
        _ = try outbox.claim(operator: "casino-a", limit: 3, owner: lost, leaseExpiresAt: now + 60_000, now: now)
        _ = try outbox.claim(
            operator: "casino-a", limit: 1, owner: "jackpotd-b:77:zz:boot-b:4026531836", leaseExpiresAt: now + 60_000, now: now)
        try outbox.recordHeartbeat(
            DaemonHeartbeat(
                owner: lost, host: "jackpotd-a", pid: 4242, startedAt: now - 600_000, lastSeenAt: now - ageMilliseconds,
                intervalMilliseconds: 2000))
        return outbox
    }

    @Test func refusedWhileTheHostsHeartbeatIsFresh() async throws {
        let outbox = try outboxWithLostLeases(heartbeatAge: 1000)
        let refused = await runCLI(["takeover", "--db", database, "--host", "jackpotd-a"], environment: environment)
        #expect(refused.code == .failure)
        #expect(refused.errors.contains("of host jackpotd-a wrote its heartbeat "), "\(refused.errors)")
        #expect(refused.errors.contains(" s ago: it may still be sending"), "\(refused.errors)")
        #expect(try OutboxProbe(database).count(.sending) == 4)
        #expect(try outbox.recentOpsActions(limit: 10).isEmpty)
    }

    @Test func releasesOnlyTheLostHostsLeasesAndRecordsIt() async throws {
        _ = try outboxWithLostLeases(heartbeatAge: 16_000)
        let result = await runCLI(
            ["takeover", "--db", database, "--host", "jackpotd-a", "--reason", "host a lost"], environment: environment)
        #expect(result.code == .success, "\(result.errors)")
        #expect(
            result.output.hasPrefix("took over host jackpotd-a: 3 wins back to pending, due now (leases of jackpotd-a:4242:"),
            "\(result.output)")

        let probe = OutboxProbe(database)
        for reference in ["lost-1", "lost-2", "lost-3"] {
            let win = try #require(try probe.win(reference))
            #expect(win.state == .pending)
            #expect(win.leaseOwner == nil)
            #expect(win.lastError?.contains("taken over (host jackpotd-a gone)") == true)
        }
        #expect(try probe.win("here-1")?.state == .sending)

        let trail = try Outbox(path: database).recentOpsActions(kind: .takeover, limit: 5)
        #expect(trail.count == 1)
        #expect(trail.first?.actor == "ops-bob")
        #expect(trail.first?.reason == "host a lost")
        #expect(trail.first?.detail?.hasPrefix("host jackpotd-a: 3 wins released") == true)

        let status = await runCLI(["status", "--db", database])
        #expect(status.output.contains("Taken over: host jackpotd-a: 3 wins released"), "\(status.output)")
        #expect(status.output.contains("by ops-bob (host a lost)"), "\(status.output)")
        #expect(!status.output.contains("VANISHED"), "the lost host's heartbeat is still listed: \(status.output)")
        let json = try parseObject(await runCLI(["status", "--json", "--db", database]).output)
        guard case .array(let takeovers)? = json["takeovers"] else { Issue.record("no takeovers in status --json"); return }
        #expect(takeovers.count == 1)

        let again = await runCLI(["takeover", "--db", database, "--host", "jackpotd-a"], environment: environment)
        #expect(again.code == .failure)
        #expect(again.errors.contains("nothing to take over (hosts in this outbox: jackpotd-b)"), "\(again.errors)")
    }

    @Test func waitWaitsOutTheSilenceLimit() async throws {
        // Silent for 11 s: fresh for another 4 s (however slow the setup), then stale.
        _ = try outboxWithLostLeases(heartbeatAge: 11_000)
        let result = await runCLI(
            ["takeover", "--db", database, "--host", "jackpotd-a", "--wait", "--json"], environment: environment)
        #expect(result.code == .success, "\(result.errors)")
        #expect(result.errors.contains("jackpotd takeover: waiting "), "\(result.errors)")
        #expect(
            result.errors.contains(" s for jackpotd-a:4242:k3x9:boot-a:4026531836's heartbeat to go stale"), "\(result.errors)")
        let json = try parseObject(result.output)
        #expect(json["released"] == .array([.string("lost-1"), .string("lost-2"), .string("lost-3")]))
    }

    @Test func statusPointsAtTakeoverForAVanishedHostsLeases() async throws {
        _ = try outboxWithLostLeases(heartbeatAge: 16_000)
        let status = await runCLI(["status", "--db", database])
        #expect(
            status.output.contains("or now by `jackpotd takeover --host jackpotd-a` if that host is gone"), "\(status.output)")
    }

    @Test func migrationKeepsTheTrailAndAcceptsTakeovers() throws {
        let database = try Database(path: self.database)
        for migration in Schema.migrations.dropLast() { try database.executeScript(migration) }
        try database.setUserVersion(Schema.migrations.count - 1)
        try database.execute(
            "INSERT INTO ops_actions (at, actor, action, reference, reason) VALUES (1, 'ops-amy', 'cancel', 'r-1', 'credited by hand')"
        )

        let outbox = try Outbox(path: self.database)
        #expect(try outbox.opsActions(reference: "r-1").map(\.reason) == ["credited by hand"])
        try outbox.database.execute("INSERT INTO ops_actions (at, actor, action) VALUES (2, 'ops-bob', 'takeover')")
        #expect(try outbox.recentOpsActions(kind: .takeover, limit: 5).map(\.actor) == ["ops-bob"])
        #expect(throws: DatabaseError.self) {
            try outbox.database.execute("INSERT INTO ops_actions (at, actor, action) VALUES (3, 'x', 'reboot')")
        }
    }

    @Test func leaseOwnersNameTheirHost() {
        #expect(Outbox.host(ofLeaseOwner: "jackpotd-a:4242:k3x9:5f1c-boot:4026531836") == "jackpotd-a")
        #expect(Outbox.host(ofLeaseOwner: "fe80::1:4242:k3x9:boot:4026531836") == "fe80::1")
        #expect(Outbox.host(ofLeaseOwner: "old-host:4242:k3x9") == "old-host")
        #expect(Outbox.host(ofLeaseOwner: "by hand") == nil)
    }
}

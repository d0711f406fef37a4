import Foundation
import Testing
import TestSupport
import JackpotDelivery
import JackpotStore
import JackpotWire

/// `status` knows its daemons and its operators.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct StatusDaemonsTests {
    @Test func aRunningDaemonIsLiveAndGoneAfterACleanStop() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("d-1", operator: "casino-a")])
        try await fixture.withDispatcher { () async throws in
            let seen = await eventually {
                (try? fixture.outbox().heartbeats().count) == 1
            }
            try #require(seen)
            let status = try await fixture.statusJSON()
            let daemons = try #require(status["daemons"]?.asArray)
            try #require(daemons.count == 1)
            let daemon = try #require(daemons[0].objectValue)
            #expect(daemon["live"] == .bool(true))
            #expect(daemon["pid"] == .number(String(getpid())))
            #expect(daemon["host"] == .string(LeaseOwner.current().host))
            #expect(await fixture.cli(["status"]).output.contains("Daemons:\n"))
        }
        #expect(try fixture.outbox().heartbeats().isEmpty)
        #expect(await fixture.cli(["status"]).output.contains("Daemons: none running on this outbox"))
    }

    @Test func vanishedDaemonsAndTheirLeasesAreFlagged() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("v-1", operator: "casino-a"), winLine("v-2", operator: "casino-a")])
        let outbox = try fixture.outbox()
        let now = WallClock.nowMilliseconds()
        // A pid above any pid_max (2^22 at most on Linux): no such process on this host.
        let gonePid: Int32 = 2_000_000_000
        let host = LeaseOwner.current().host
        let dead = LeaseOwner(host: host, pid: gonePid, nonce: "dead").description
        try outbox.recordHeartbeat(
            DaemonHeartbeat(
                owner: dead, host: host, pid: gonePid, startedAt: now - 60_000, lastSeenAt: now,
                intervalMilliseconds: 500))
        // Another host's daemon, silent for a minute.
        try outbox.recordHeartbeat(
            DaemonHeartbeat(
                owner: "elsewhere:77:n", host: "elsewhere", pid: 77, startedAt: now - 120_000, lastSeenAt: now - 60_000,
                intervalMilliseconds: 500))
        try outbox.database.execute(
            "UPDATE wins SET state = 'sending', lease_owner = ?, lease_expires_at = ? WHERE reference = 'v-1'",
            [.text(dead), .integer(now + 600_000)])

        let status = try await fixture.statusJSON()
        let daemons = try #require(status["daemons"]?.asArray).compactMap(\.objectValue)
        try #require(daemons.count == 2)
        let byOwner = Dictionary(uniqueKeysWithValues: daemons.map { ($0["owner"]?.stringValue ?? "", $0) })
        #expect(byOwner[dead]?["live"] == .bool(false))
        #expect(byOwner[dead]?["vanishedBecause"] == .string("process \(gonePid) is gone"))
        #expect(byOwner[dead]?["sending"] == .number("1"))
        #expect(byOwner["elsewhere:77:n"]?["live"] == .bool(false))
        #expect(byOwner["elsewhere:77:n"]?["vanishedBecause"]?.stringValue?.hasPrefix("not seen for 1m") == true)

        let text = await fixture.cli(["status"]).output
        #expect(text.contains("VANISHED"))
        #expect(text.contains("! 1 sending win is leased to vanished daemon \(dead)"))
    }

    @Test func configuredOperatorsWithoutWinsAndUnconfiguredOnesAreShown() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-quiet")])
        try await fixture.enqueue([winLine("o-1", operator: "casino-a")])
        try fixture.outbox().database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id)
            VALUES ('o-2', 'casino-gone', '1', 'g', 'r', '5', 'j')
            """)
        let status = try await fixture.statusJSON()
        let operators = try #require(status["operators"]?.objectValue)
        #expect(operators["casino-quiet"] != nil)
        #expect(status["operatorsNotConfigured"] == .array([.string("casino-gone")]))
        let text = await fixture.cli(["status"]).output
        #expect(text.contains("\ncasino-quiet "))
        #expect(text.contains("Not in the config (their wins are not sent by a daemon with this config): casino-gone"))
        // With --db alone there is no config to compare with.
        let bare = await runCLI(["status", "--db", fixture.databasePath, "--json"])
        #expect(try parseObject(bare.output)["operatorsNotConfigured"] == .array([]))
    }
}

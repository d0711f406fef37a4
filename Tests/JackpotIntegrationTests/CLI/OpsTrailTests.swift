import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import TestSupport

/// Every ops action is kept with who, when and why.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct OpsTrailTests {
    @Test func retryAfterCancelKeepsTheCancelInTheTrailThatShowPrints() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("t-1", operator: "casino-a")])
        let sudo = ["SUDO_USER": "alice", "USER": "root"]
        let config = ["--config", fixture.configPath]
        #expect(await runCLI(["cancel", "t-1", "--reason", "round voided"] + config, environment: sudo).code == .success)
        #expect(
            await runCLI(["retry", "t-1", "--reason", "voided by mistake"] + config, environment: ["USER": "bob"]).code
                == .success)

        let json = try await fixture.showJSON("t-1")
        let trail = try #require(json["opsActions"]?.asArray)
        try #require(trail.count == 2)
        let cancel = try #require(trail[0].objectValue)
        #expect(cancel["action"] == .string("cancel"))
        #expect(cancel["by"] == .string("alice"))
        #expect(cancel["reason"] == .string("round voided"))
        #expect(cancel["at"]?.stringValue?.hasSuffix("Z") == true)
        let retry = try #require(trail[1].objectValue)
        #expect(retry["action"] == .string("retry"))
        #expect(retry["by"] == .string("bob"))
        #expect(retry["detail"] == .string("was cancelled"))

        let text = await fixture.cli(["show", "t-1"])
        #expect(text.output.contains("Ops actions:"))
        #expect(text.output.contains("cancel  alice"))
        #expect(text.output.contains("round voided"))
        #expect(text.output.contains("voided by mistake"))
    }

    @Test func bulkRetryPausePurgeAreRecordedWithTheUidWithoutUserNames() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("b-1", operator: "casino-a"), winLine("b-2", operator: "casino-a")])
        #expect(await fixture.cli(["cancel", "b-1", "b-2", "--reason", "x"]).code == .success)
        #expect(await fixture.cli(["retry", "--operator", "casino-a", "--state", "cancelled"]).code == .success)
        #expect(await fixture.cli(["pause", "casino-a", "--reason", "maintenance"]).code == .success)
        #expect(await fixture.cli(["pause", "casino-a"]).code == .success)  // already paused: no second entry
        #expect(await fixture.cli(["resume", "casino-a"]).code == .success)
        #expect(await fixture.cli(["purge", "--delivered-older-than", "30d"]).code == .success)

        let all = try fixture.outbox().recentOpsActions(limit: 100).reversed().map {
            "\($0.kind.rawValue) \($0.reference ?? $0.operatorName ?? "-")"
        }
        #expect(all == ["cancel b-1", "cancel b-2", "retry b-1", "retry b-2", "pause casino-a", "resume casino-a", "purge -"])
        let actors = Set(try fixture.outbox().recentOpsActions(limit: 100).map(\.actor))
        #expect(actors == ["uid \(getuid())"])
        #expect(try fixture.outbox().opsActions(reference: "b-2").map(\.kind) == [.cancel, .retry])
    }

    @Test func purgeDryRunCountsAndDeletesNothing() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("p-1", operator: "casino-a")])
        #expect(try await fixture.deliver { try $0.count(.delivered) == 1 })
        let dry = await fixture.cli(["purge", "--delivered-older-than", "0", "--dry-run"])
        #expect(dry.code == .success)
        #expect(dry.output == "would purge 1 delivered win with their attempts (dry run: nothing deleted)\n")
        #expect(try fixture.count(.delivered) == 1)
        #expect(try fixture.outbox().recentOpsActions(limit: 10).isEmpty)
        let recent = await fixture.cli(["purge", "--delivered-older-than", "1h", "--json"])
        #expect(recent.output == "{\"purged\":0}\n")
        #expect(try fixture.count(.delivered) == 1)
    }
}

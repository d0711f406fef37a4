import Foundation
import Testing
import JackpotCLI
import JackpotWire
import TestSupport
import JackpotStore

/// Ops keep their console when a secret is broken,
/// and a mistyped outbox path is refused instead of created.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct SecretsAndMissingOutboxTests {
    @Test func opsCommandsWorkWhileASecretFileIsGone() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
        try await fixture.enqueue([winLine("s-1", operator: "casino-a"), winLine("s-2", operator: "casino-b")])
        try FileManager.default.removeItem(atPath: fixture.directory.path("secrets/casino-a"))

        for arguments in [
            ["status"], ["list"], ["export"], ["pause", "casino-a"], ["resume", "casino-a"],
            ["retry", "s-1"], ["cancel", "s-2", "--reason", "test"],
        ] {
            let result = await fixture.cli(arguments)
            #expect(result.code == .success, "\(arguments): \(result.errors)")
            #expect(!result.errors.contains("secret"), "\(arguments): \(result.errors)")
        }
        let enqueued = await fixture.cli([
            "enqueue", "--operator", "casino-b", "--reference", "s-3", "--user-id", "1",
            "--game-id", "g", "--round-id", "r", "--jackpot-id", "j", "--amount", "1",
        ])
        #expect(enqueued.code == .success, "\(enqueued.errors)")

        // The commands that sign calls still refuse, naming the file.
        let check = await fixture.cli(["check"])
        #expect(check.code == .usage)
        #expect(check.errors.contains("operators.casino-a.secretFile: cannot read the secret file"))
    }

    @Test func showPrintsTheWinAndSaysWhyTheRequestIsMissing() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a"), FixtureOperator("casino-b")])
        try await fixture.enqueue([winLine("h-1", operator: "casino-a"), winLine("h-2", operator: "casino-b")])
        try FileManager.default.removeItem(atPath: fixture.directory.path("secrets/casino-a"))

        let broken = await fixture.cli(["show", "h-1"])
        #expect(broken.code == .success, "\(broken.errors)")
        #expect(broken.output.contains("reference:"))
        #expect(
            broken.output.contains(
                "request unavailable: the secret cannot be read (operators.casino-a.secretFile: cannot read the secret file"))
        #expect(!broken.output.contains("hash = md5"))
        let json = try await fixture.showJSON("h-1")
        #expect(json["request"] == .null)
        #expect(json["requestProblem"]?.stringValue?.contains("the secret cannot be read") == true)

        // Another operator's request is still complete.
        let healthy = await fixture.cli(["show", "h-2"])
        #expect(healthy.output.contains("hash = md5("))
    }

    @Test func onlyRunAndEnqueueCreateMakeAnOutbox() async throws {
        let directory = TemporaryDirectory()
        let typo = directory.path("outbx.sqlite3")
        let single = [
            "--operator", "casino-a", "--reference", "t-1", "--user-id", "1", "--game-id", "g",
            "--round-id", "r", "--jackpot-id", "j", "--amount", "1",
        ]
        let refused = await runCLI(["enqueue", "--db", typo] + single)
        #expect(refused.code == .usage)
        #expect(refused.errors.contains("no outbox database at \(typo)"))
        #expect(!FileManager.default.fileExists(atPath: typo))

        for arguments in [
            ["status"], ["list"], ["pause", "casino-a"], ["retry", "t-1"], ["export"], ["purge", "--delivered-older-than", "1"],
        ] {
            let result = await runCLI(arguments + ["--db", typo])
            #expect(result.code == .usage, "\(arguments)")
            #expect(result.errors.contains("no outbox database at \(typo)"), "\(arguments): \(result.errors)")
        }
        #expect(!FileManager.default.fileExists(atPath: typo))

        let created = await runCLI(["enqueue", "--create", "--db", typo] + single)
        #expect(created.code == .success, "\(created.errors)")
        #expect(try Outbox(path: typo).win(reference: "t-1") != nil)
    }

    @Test func enqueueWithoutAConfigWarnsThatOperatorsAreNotChecked() async throws {
        let directory = TemporaryDirectory()
        let database = directory.path("outbox.sqlite3")
        _ = try Outbox(path: database)
        let file = directory.write("w.jsonl", winLine("w-1", operator: "casino-typo") + "\n")
        let result = await runCLI(["enqueue", "--db", database, "--file", file])
        #expect(result.code == .success)
        #expect(result.errors.contains("warning: no --config, so operator names are not checked"))
        #expect(result.output == "accepted 1, duplicate 0, rejected 0\n")
    }
}

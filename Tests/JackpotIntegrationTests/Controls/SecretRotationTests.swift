import Foundation
import Testing
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// A secret rotation without a flag day: jackpotd holds the new secret and the
/// previous one; the wallet switches from the previous to the new one while
/// wins flow, and every win is delivered on its first attempt.
@Suite(.timeLimit(.minutes(3)), .oneTestPerCore) struct SecretRotationTests {
    static let before = 100
    static let after = 300
    static let concurrency = 4

    @Test func theWalletSwitchingSecretsMidwayFailsNoWin() async throws {
        let directory = TemporaryDirectory()
        // The wallet still checks the previous secret; it answers a wrong hash with error 5.
        let wallet = try ScriptedOperator(secret: "previous-key")
        defer { wallet.stop() }
        wallet.setBadHashErrorCode(5)
        let previousFile = directory.write("secrets/rotating-previous", "previous-key\n")
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "rotating", url: wallet.url, secret: "new-key",
                    extra: fastDelivery(
                        concurrency: Self.concurrency,
                        extra: """
                            "previousSecretFile": "\(previousFile)", "previousSecretUntil": "2099-01-01T00:00Z"
                            """))
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        // Before the switch: the new secret is refused, the previous one accepted and then tried first.
        let first = winReferences("before", Self.before)
        try probe.enqueue(first, operator: "rotating")
        let daemon = try RunningDispatcher(configPath: config)
        #expect(try await eventually { try probe.allDelivered(first) })
        #expect(try await eventually { try probe.operatorState("rotating")?.secretInUse == .previous })
        let status = await runCLI(["status", "--config", config])
        #expect(status.output.contains("rotating: wallet accepts the previous secret since "), "\(status.output)")
        let requestsBefore = wallet.snapshot.requests

        // The operator switches to the new secret at its 50th call from here.
        let switchAt = requestsBefore + 50
        wallet.setFaultPlan { number in
            if number == switchAt { wallet.switchSecret(to: "new-key") }
            return nil
        }
        let second = winReferences("after", Self.after)
        try probe.enqueue(second, operator: "rotating")
        #expect(try await eventually { try probe.allDelivered(second) })
        #expect(try await eventually { try probe.operatorState("rotating")?.secretInUse == .current })
        try await daemon.stop()

        let total = Self.before + Self.after
        #expect(try probe.count(.failed) == 0)
        #expect(wallet.snapshot.credited == total)
        #expect(wallet.snapshot.duplicates == 0)
        // One attempt per win; a refused hash is sent again within the attempt, at most once.
        #expect(try probe.attemptCount(operator: "rotating") == total)
        let twoCalls =
            try probe.query("SELECT count(*) AS n FROM attempts WHERE detail LIKE '%sent again signed%'")
            .first?.int("n") ?? -1
        #expect(wallet.snapshot.requests == total + twoCalls)
        #expect(wallet.snapshot.hashFailures == twoCalls)
        // Extra calls only where a secret changed hands: the first calls, and the calls around the switch.
        #expect(twoCalls >= 2 && twoCalls <= 4 * Self.concurrency, "\(twoCalls) wins needed a second call")

        // The attempt log says which secret the wallet accepted.
        let accepted = try probe.query(
            "SELECT w.reference, a.secret FROM attempts a JOIN wins w ON w.id = a.win_id ORDER BY a.id")
        #expect(accepted.allSatisfy { $0.string("secret") == "current" || $0.string("secret") == "previous" })
        #expect(
            accepted.filter { $0.string("reference")?.hasPrefix("before") == true }.allSatisfy {
                $0.string("secret") == "previous"
            })
        #expect(accepted.suffix(Self.after / 2).allSatisfy { $0.string("secret") == "current" })
        let show = await runCLI(["show", "after-0300", "--json", "--config", config])
        let attempts = try #require(try parseObject(show.output)["attempts"]?.asArray)
        #expect(attempts.first?.objectValue?["secret"] == .string("current"))
        let after = await runCLI(["status", "--config", config])
        #expect(after.output.contains("rotating: wallet accepts the current secret since "), "\(after.output)")
        #expect(!daemon.log.joined().contains("previous-key") && !daemon.log.joined().contains("new-key"))
    }
}

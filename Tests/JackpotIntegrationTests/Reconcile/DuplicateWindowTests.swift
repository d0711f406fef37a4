import Foundation
import Testing
import JackpotCLI
import JackpotStore
import OperatorSimulator
import TestSupport
import JackpotConfiguration
import JackpotWire

extension ReconcileSuites {
    /// `duplicateWindowHours`: a win first sent longer ago than the wallet remembers
    /// references is not retried without `--force`, and `status` counts such wins.
    @Suite(.timeLimit(.minutes(3))) struct DuplicateWindowTests {
        /// f-1 and f-2 refused and parked failed; f-1's call is moved `hoursAgo` into the past.
        static func parked(hoursAgo: Double, extra: String = "") async throws -> OpsFixture {
            let fixture = try OpsFixture([FixtureOperator("casino-a", extra: extra)])
            try await fixture.enqueue([winLine("f-1", operator: "casino-a"), winLine("f-2", operator: "casino-a")])
            fixture.wallet("casino-a").setFaultPlan { _ in .errorCode(120, description: "Player blocked") }
            #expect(try await fixture.deliver { try $0.count(.failed) == 2 })
            let past = WallClock.nowMilliseconds() - Int64(hoursAgo * 3_600_000)
            try fixture.outbox().database.execute(
                "UPDATE attempts SET started_at = ?1 WHERE win_id = (SELECT id FROM wins WHERE reference = 'f-1')",
                [.integer(past)])
            try fixture.outbox().database.execute(
                "UPDATE wins SET created_at = ?1 - 1000 WHERE reference = 'f-1'", [.integer(past)])
            return fixture
        }

        @Test func retryPastTheDefaultWindowRefusesAndPointsToReconcileUntilForced() async throws {
            let fixture = try await Self.parked(hoursAgo: 73)
            let refused = await fixture.cli(["retry", "f-1", "f-2"])
            #expect(refused.code == .failure)
            #expect(refused.errors.contains("jackpotd retry: error: f-1 was first sent "))
            #expect(refused.errors.contains("more than 72h ago, casino-a's duplicateWindowHours"))
            #expect(refused.errors.contains("jackpotd reconcile casino-a --file REPORT --apply"))
            #expect(refused.output == "f-2: pending, due now\n", "a win inside the window is retried")
            #expect(try fixture.win("f-1").state == .failed)

            try fixture.outbox().database.execute("UPDATE wins SET state = 'failed' WHERE reference = 'f-2'")
            let all = await fixture.cli(["retry", "--operator", "casino-a"])
            #expect(all.code == .failure)
            #expect(all.errors.contains("1 failed win was of casino-a first sent more than 72h ago"))
            #expect(try fixture.count(.failed) == 2, "nothing retried")

            let forced = await fixture.cli(["retry", "f-1", "--force"])
            #expect(forced.code == .success)
            #expect(try fixture.win("f-1").state == .pending)
        }

        @Test func theWindowIsPerOperatorAndStatusCountsWinsPastIt() async throws {
            let fixture = try await Self.parked(hoursAgo: 2, extra: "\"duplicateWindowHours\": 1")
            let status = try await fixture.statusJSON()
            #expect(status["pastDuplicateWindow"]?.asNumberText == "1")
            let operators = try #require(status["operators"]?.objectValue?["casino-a"]?.objectValue)
            #expect(operators["pastDuplicateWindow"]?.asNumberText == "1")
            let text = await fixture.cli(["status"])
            #expect(
                text.output.contains(
                    "casino-a: 1 failed/cancelled win first sent over 1h ago\n  — past its duplicate window: reconcile before retrying\n"
                ))
            #expect(widestLine(text.output) <= 80)
            let refused = await fixture.cli(["retry", "f-1"])
            #expect(refused.errors.contains("more than 1h ago"))

            // Settled by reconciliation, it is no longer counted: it is delivered.
            let report = fixture.directory.write("r.csv", "reference,transactionId\nf-1,op-1\n")
            _ = await fixture.cli(["reconcile", "casino-a", "--file", report, "--apply"])
            #expect(try await fixture.statusJSON()["pastDuplicateWindow"]?.asNumberText == "0")
        }

        @Test func aWinInsideALongerWindowIsRetriedAsBefore() async throws {
            let fixture = try await Self.parked(hoursAgo: 73, extra: "\"duplicateWindowHours\": 100")
            let result = await fixture.cli(["retry", "f-1"])
            #expect(result.code == .success, "\(result.errors)")
            #expect(try await fixture.statusJSON()["pastDuplicateWindow"]?.asNumberText == "0")
        }

        @Test func aBadDuplicateWindowIsNamedByKeyPath() async throws {
            let directory = TemporaryDirectory()
            let path = writeConfig(
                in: directory,
                operators: [
                    TestOperator(name: "casino-a", url: "http://127.0.0.1:9/x", secret: "s", extra: "\"duplicateWindowHours\": 0")
                ])
            #expect {
                try ConfigLoader.load(path: path, environment: [:])
            } throws: { error in
                "\(error)".contains("operators.casino-a.duplicateWindowHours") && "\(error)".contains("a number of hours > 0")
            }
        }
    }
}

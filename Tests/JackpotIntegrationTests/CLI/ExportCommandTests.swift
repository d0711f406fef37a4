import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct ExportCommandTests {
    static let header =
        "reference,operator,userId,gameId,roundId,jackpotId,amount,state,attempts,transactionId,"
        + "currency,cash,bonus,createdAt,deliveredAt,lastError,deliveryNote,finalizedAt,otherTransactionIds"
    static let refusal = "Player \"421\" is blocked, self-excluded"

    /// e-1 delivered by an operator whose transaction ids are JSON numbers above
    /// 2^53; e-2 failed with an error description holding quotes and a comma;
    /// e-3 pending. Values with commas and quotes come from the platform too.
    static func populated() async throws -> OpsFixture {
        let fixture = try OpsFixture([
            FixtureOperator("casino-n", numericTransactionIds: true), FixtureOperator("casino-b"),
        ])
        fixture.wallet("casino-b").setFaultPlan { _ in .errorCode(120, description: refusal) }
        try await fixture.enqueue([
            """
            {"operator":"casino-n","userId":"421","gameId":"Mega, \\"Big\\" Fortune","roundId":"5103188801",\
            "amount":"1234567890123456.78","reference":"e-1","jackpotId":"568"}
            """,
            winLine("e-2", operator: "casino-b", amount: "0.05"),
        ])
        #expect(try await fixture.deliver { try $0.count(.delivered) == 1 && $0.count(.failed) == 1 })
        try await fixture.enqueue([winLine("e-3", operator: "casino-n", amount: "1250.50")])
        return fixture
    }

    @Test func csvHasAHeaderExactValuesAndQuotedFields() async throws {
        let fixture = try await Self.populated()
        let result = await fixture.cli(["export", "--format", "csv"])
        #expect(result.code == .success)
        #expect(result.errors.isEmpty)
        #expect(result.output.hasPrefix(Self.header + "\n"))
        #expect(result.output.contains(",\"Mega, \"\"Big\"\" Fortune\","))

        let records = try CSVReader.records(result.output)
        try #require(records.count == 4)
        #expect(records.allSatisfy { $0.count == 19 })
        let columns = records[0]
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
        #expect(rows.map { $0["reference"] } == ["e-1", "e-2", "e-3"])

        let e1 = try #require(rows.first)
        #expect(e1["operator"] == "casino-n")
        #expect(e1["gameId"] == "Mega, \"Big\" Fortune")
        #expect(e1["amount"] == "1234567890123456.78")
        #expect(e1["state"] == "delivered")
        #expect(e1["attempts"] == "1")
        #expect(e1["transactionId"] == "9007199254740993")
        #expect(e1["cash"] == "1234567890123456.78")
        #expect(e1["currency"] == "EUR")
        let stored = try fixture.win("e-1")
        #expect(e1["deliveredAt"] == TimeFormat.iso8601(stored.deliveredAt))
        #expect(e1["createdAt"] == TimeFormat.iso8601(stored.createdAt))

        let e2 = rows[1]
        #expect(e2["amount"] == "0.05")
        #expect(e2["state"] == "failed")
        #expect(e2["transactionId"] == "")
        #expect(e2["deliveredAt"] == "")
        #expect(e2["lastError"]?.contains(Self.refusal) == true)

        #expect(rows[2]["amount"] == "1250.5")
        #expect(rows[2]["state"] == "pending")

        #expect(await fixture.cli(["export"]).output == result.output, "csv is the default format")
    }

    @Test func jsonlIsOneObjectPerLineWithTheReconciliationFields() async throws {
        let fixture = try await Self.populated()
        let result = await fixture.cli(["export", "--format", "jsonl"])
        #expect(result.code == .success)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")
        let objects = try lines.dropLast().map { try parseObject(String($0)) }
        try #require(objects.count == 3)
        for object in objects {
            for key in ["reference", "operator", "userId", "amount", "state", "attemptCount", "transactionId", "deliveredAt"] {
                #expect(object[key] != nil, "\(key) missing in \(object)")
            }
        }
        let e1 = objects[0]
        #expect(e1["reference"] == .string("e-1"))
        #expect(e1["amount"] == .number("1234567890123456.78"))
        #expect(e1["transactionId"] == .string("9007199254740993"))
        #expect(e1["state"] == .string("delivered"))
        #expect(e1["attemptCount"] == .number("1"))
        #expect(e1["gameId"] == .string("Mega, \"Big\" Fortune"))
        let deliveredAt = try #require(TimeFormat.iso8601(try fixture.win("e-1").deliveredAt))
        #expect(e1["deliveredAt"] == .string(deliveredAt))
        let e2 = objects[1]
        #expect(e2["amount"] == .number("0.05"))
        #expect(e2["state"] == .string("failed"))
        #expect(e2["transactionId"] == .null)
        #expect(e2["deliveredAt"] == .null)
        #expect(e2["userId"] == .string("421"))
    }

    @Test func filtersByStateOperatorAndAge() async throws {
        let fixture = try await Self.populated()
        func references(_ arguments: [String]) async throws -> [String] {
            let result = await fixture.cli(["export", "--format", "jsonl"] + arguments)
            try #require(result.code == .success, "\(result.errors)")
            return try result.output.split(separator: "\n").map {
                try #require(try parseObject(String($0))["reference"]?.stringValue)
            }
        }
        #expect(try await references(["--state", "delivered"]) == ["e-1"])
        #expect(try await references(["--state", "failed"]) == ["e-2"])
        #expect(try await references(["--operator", "casino-n"]) == ["e-1", "e-3"])
        #expect(try await references(["--operator", "casino-n", "--state", "pending"]) == ["e-3"])
        try fixture.outbox().database.execute(
            "UPDATE wins SET created_at = created_at - 2 * 86400000 WHERE reference = 'e-1'")
        #expect(try await references(["--since", "1d"]) == ["e-2", "e-3"])
        let csv = await fixture.cli(["export", "--state", "cancelled"])
        #expect(csv.output == Self.header + "\n", "an empty export still has its header")
    }

    @Test(arguments: [
        (["--format", "xml"], "--format must be csv or jsonl, got \"xml\""),
        (["--state", "done"], "unknown state \"done\" (expected one of: pending, sending, delivered, failed, cancelled)"),
        (["--since", "last week"], "--since must be a duration such as 90s, 15m, 2h or 3d, got \"last week\""),
    ])
    func badOptionsAreUsageErrorsWithNoOutput(_ arguments: [String], message: String) async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("x-1", operator: "casino-a")])
        let result = await fixture.cli(["export"] + arguments)
        #expect(result.code == .usage)
        #expect(result.output.isEmpty)
        #expect(firstLine(result.errors) == "jackpotd export: error: \(message)")
    }
}

import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import TestSupport

/// `status` on an aggregator's config: past a screenful of operators the table
/// lists those with something to look at and counts the quiet rest in one
/// line, `--all` and `--json` list every one; and it reads only the config's
/// outline, so an operator entry that `check` refuses does not stop it.
@Suite(.timeLimit(.minutes(2))) struct StatusManyOperatorsTests {
    let directory = TemporaryDirectory()
    var database: String { directory.path("outbox.sqlite3") }

    /// 25 operators: `busy` with a pending win, `failing` with a failed one,
    /// `held` paused, `done` with only a delivered win, and 21 that never had one.
    func manyOperators() async throws -> String {
        let names = ["busy", "failing", "held", "done"] + (1...21).map { "quiet-\($0)" }
        let config = writeConfig(
            in: directory,
            operators: names.map {
                TestOperator(name: $0, url: "https://\($0).casino.example/credit", secret: "secret-of-\($0)")
            })
        let probe = OutboxProbe(database)
        try probe.enqueue(["b-1"], operator: "busy")
        try probe.enqueue(["f-1"], operator: "failing")
        try probe.enqueue(["d-1"], operator: "done")
        let outbox = try Outbox(path: database)
        try outbox.database.execute("UPDATE wins SET state = 'failed', last_error = 'refused' WHERE reference = 'f-1'")
        try outbox.database.execute(
            "UPDATE wins SET state = 'delivered', delivered_at = ?, transaction_id = 'tx-1' WHERE reference = 'd-1'",
            [.integer(WallClock.nowMilliseconds() - 7_200_000)])
        let paused = await runCLI(["pause", "held", "--reason", "wallet upgrade", "--config", config])
        try #require(paused.code == .success, "\(paused.errors)")
        return config
    }

    /// The first cell of each line of the table (it ends at the first blank line).
    func firstCells(_ output: String) -> [String] {
        output.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
            .map { String($0.split(separator: " ").first ?? "") }
    }

    @Test func quietOperatorsAreCountedInOneLineBelowTheTotal() async throws {
        let config = try await manyOperators()
        let result = await runCLI(["status", "--config", config])
        #expect(result.code == .success, "\(result.errors)")
        #expect(firstCells(result.output) == ["operator", "busy", "failing", "held", "TOTAL", "+"], "\n\(result.output)")
        #expect(
            result.output.contains(
                "\n+ 22 quiet operators: nothing pending, sending or failed; --all lists them\n"), "\n\(result.output)")
        // TOTAL still counts every operator's wins, the quiet ones' delivered win too.
        let total = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("TOTAL ") })
        #expect(total.split(separator: " ").prefix(6) == ["TOTAL", "1", "0", "1", "1", "0"])
        #expect(result.output.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\n\(result.output)")
    }

    @Test func allListsEveryOperatorAndJSONAlwaysDoes() async throws {
        let config = try await manyOperators()
        let all = await runCLI(["status", "--all", "--config", config])
        #expect(all.code == .success, "\(all.errors)")
        let rows = firstCells(all.output)
        #expect(rows.count == 1 + 25 + 1, "\n\(all.output)")
        #expect(rows.contains("done") && rows.contains("quiet-21"))
        #expect(!all.output.contains("quiet operator"))

        let json = await runCLI(["status", "--json", "--config", config])
        let operators = try #require(try parseObject(json.output)["operators"]?.objectValue)
        #expect(operators.count == 25)
        #expect(operators["quiet-7"]?.objectValue?["counts"]?.objectValue?["pending"] == .number("0"))
    }

    /// Up to twenty operators the table is what it always was: a row each, quiet ones too.
    @Test func aFewOperatorsAreAllListed() async throws {
        let config = writeConfig(
            in: directory,
            operators: ["casino-a", "casino-b", "casino-c"].map {
                TestOperator(name: $0, url: "https://\($0).example/credit", secret: "secret-of-\($0)")
            })
        try OutboxProbe(database).enqueue(["a-1"], operator: "casino-a")
        let result = await runCLI(["status", "--config", config])
        #expect(firstCells(result.output) == ["operator", "casino-a", "casino-b", "casino-c", "TOTAL"], "\n\(result.output)")
    }

    /// A missing secret file, a refused URL and an unknown key stop `check` (and `run`),
    /// not `status`, which shows neither; the keys it does read are checked as `check` checks them.
    @Test func statusReadsOnlyTheDatabaseOperatorsAndDuplicateWindows() async throws {
        try OutboxProbe(database).enqueue(["a-1"], operator: "casino-a")
        let config = directory.write(
            "config.json",
            """
            {"database": "outbox.sqlite3", "providerId": "luckymonaco", "operators": {
              "casino-a": {"url": "https://a.example/credit", "secretFile": "secrets/missing", "duplicateWindowHours": 24},
              "casino-b": {"url": "ftp://b.example/credit", "secret": "inline-secret", "retyr": {}}
            }}
            """)
        let check = await runCLI(["check", "--config", config])
        #expect(check.code == .usage)
        #expect(check.errors.contains("operators.casino-a.secretFile: cannot read the secret file"), "\(check.errors)")
        #expect(check.errors.contains("operators.casino-b.url:"), "\(check.errors)")

        let status = await runCLI(["status", "--config", config])
        #expect(status.code == .success, "\(status.errors)")
        #expect(status.errors.isEmpty, "\(status.errors)")
        #expect(firstCells(status.output) == ["operator", "casino-a", "casino-b", "TOTAL"], "\n\(status.output)")

        let badWindow = directory.write(
            "bad-window.json",
            """
            {"database": "outbox.sqlite3", "operators": {"casino-a": {"duplicateWindowHours": 0}, "-x": {}}}
            """)
        let refused = await runCLI(["status", "--config", badWindow])
        #expect(refused.code == .usage)
        #expect(
            refused.errors.contains("operators.casino-a.duplicateWindowHours: must be a number of hours > 0, got 0"),
            "\(refused.errors)")
        #expect(refused.errors.contains("invalid operator name"), "\(refused.errors)")
    }
}

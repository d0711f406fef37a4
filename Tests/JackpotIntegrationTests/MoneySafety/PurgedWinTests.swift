import Foundation
import Testing
import JackpotCLI
import OperatorSimulator
import TestSupport
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// A purged win is still known: no enqueue path can make it paid a second time.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct PurgedWinTests {
    static let plainSQLInsert = """
        INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id)
        VALUES (?, 'casino-a', '421', 'Im_60_tumblefortune', '5103188801', ?, '568')
        ON CONFLICT (reference) DO NOTHING
        """

    @Test func aPurgedReferenceIsADuplicateOrAConflictAndAPlainSQLRowForItIsParked() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue(["p-1", "p-2", "p-3"].map { winLine($0, operator: "casino-a") })
        #expect(try await fixture.deliver { try $0.count(.delivered) == 3 })
        let delivered = try fixture.win("p-1")
        #expect(await fixture.cli(["purge", "--delivered-older-than", "0"]).code == .success)
        #expect(try fixture.count("SELECT count(*) FROM wins") == 0)
        let requestsBefore = fixture.wallet("casino-a").snapshot.requests

        let tombstone = try #require(try fixture.outbox().tombstone(reference: "p-1"))
        #expect(tombstone.operatorName == "casino-a")
        #expect(tombstone.transactionId == delivered.transactionId)
        #expect(tombstone.deliveredAt == delivered.deliveredAt)
        #expect(tombstone.contentDigest.count == 16)

        // CLI: the same win again is a duplicate, a different amount a conflict.
        let same = await fixture.cli([
            "enqueue", "--file", fixture.directory.write("same.jsonl", winLine("p-1", operator: "casino-a") + "\n"),
        ])
        #expect(same.code == .success)
        #expect(same.output == "accepted 0, duplicate 1, rejected 0\n", "\(same.output)")
        let other = await fixture.cli([
            "enqueue", "--file",
            fixture.directory.write("other.jsonl", winLine("p-2", operator: "casino-a", amount: "56") + "\n"),
        ])
        #expect(other.code == .failure)
        #expect(other.errors.contains("line 1: reference p-2 was delivered on "), "\(other.errors)")
        #expect(other.errors.contains("purged on "), "\(other.errors)")

        // Swift API.
        let outbox = try fixture.outbox()
        #expect(try outbox.enqueue([Self.newWin("p-3", amount: "55")]) == [.duplicate])
        let conflict = try outbox.enqueue([Self.newWin("p-3", amount: "99")])
        guard case .rejected(let rejection) = try #require(conflict.first),
            case .conflictWithPurgedWin(let reference, let transactionId, let deliveredAt, let purgedAt) = rejection
        else { Issue.record("\(conflict)"); return }
        #expect(
            reference == "p-3" && !transactionId.isEmpty && deliveredAt.hasSuffix("Z") && purgedAt.hasSuffix("Z"), "\(rejection)")
        #expect(rejection.description.contains("was delivered on") && rejection.description.contains("with different content"))
        // In a batch too (one transaction looks for tombstones once, not per win).
        let batch = try outbox.enqueue([Self.newWin("p-3", amount: "55"), Self.newWin("p-2", amount: "99")])
        #expect(batch.first == .duplicate, "\(batch)")
        guard case .rejected(.conflictWithPurgedWin(let batchReference, _, _, _))? = batch.last else {
            Issue.record("\(batch)"); return
        }
        #expect(batch.count == 2 && batchReference == "p-2", "\(batch)")
        #expect(try fixture.count("SELECT count(*) FROM wins") == 0)

        // Plain SQL: the row is kept but parked, never sent.
        try outbox.database.execute(Self.plainSQLInsert, [.text("p-1"), .text("55")])
        let parked = try fixture.win("p-1")
        #expect(parked.state == .failed)
        let reason2 = try #require(parked.lastError)
        #expect(reason2.hasPrefix("reference already delivered on 20"), "\(reason2)")
        #expect(reason2.contains("transactionId \(delivered.transactionId ?? "?")"), "\(reason2)")
        #expect(reason2.contains("purged on 20"), "\(reason2)")
        #expect(parked.finalizedAt != nil)
        #expect(try fixture.count("SELECT count FROM win_counts WHERE state = 'failed'") == 1)

        try await fixture.enqueue([winLine("fresh", operator: "casino-a")])
        #expect(try await fixture.deliver { try $0.count(.delivered) == 1 })
        #expect(fixture.wallet("casino-a").snapshot.requests == requestsBefore + 1)
    }

    /// Every command that looks a reference up names a purged win as purged,
    /// with when and under which transactionId it was delivered.
    @Test func aPurgedWinIsNamedAsPurgedByEveryCommand() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue(["pg-1", "pg-2"].map { winLine($0, operator: "casino-a") })
        #expect(try await fixture.deliver { try $0.count(.delivered) == 2 })
        let delivered = try fixture.win("pg-1")
        let transactionId = try #require(delivered.transactionId)
        let otherId = try #require(try fixture.win("pg-2").transactionId)
        #expect(await fixture.cli(["purge", "--delivered-older-than", "0"]).code == .success)
        let tombstone = try #require(try fixture.outbox().tombstone(reference: "pg-1"))
        let purged =
            "purged on \(TimeFormat.timestamp(tombstone.purgedAt)) (delivered \(TimeFormat.timestamp(delivered.deliveredAt)), "
            + "transactionId \(transactionId))"

        let show = await fixture.cli(["show", "pg-1"])
        #expect(show.code == .failure)
        #expect(
            firstLine(show.errors) == "jackpotd show: error: pg-1 was \(purged); only its tombstone is kept", "\(show.errors)")
        for command in [["retry", "pg-1"], ["cancel", "pg-1", "--reason", "x"]] {
            let result = await fixture.cli(command)
            #expect(result.code == .failure)
            #expect(
                firstLine(result.errors) == "jackpotd \(command[0]): error: pg-1 was \(purged); only its tombstone is kept",
                "\(result.errors)")
        }
        let again = await fixture.cli([
            "enqueue", "--operator", "casino-a", "--reference", "pg-1", "--user-id", "421",
            "--game-id", "Im_60_tumblefortune", "--round-id", "5103188801", "--amount", "55",
            "--jackpot-id", "568",
        ])
        #expect(again.code == .success, "\(again.errors)")
        #expect(again.output == "duplicate pg-1 (\(purged); never sent again)\n", "\(again.output)")

        let report = fixture.directory.write("report.csv", "reference,transactionId\npg-1,\(transactionId)\npg-2,T-other\n")
        let reconcile = await fixture.cli(["reconcile", "casino-a", "--file", report, "--json"])
        let output = try parseObject(reconcile.output)
        let summary = try #require(output["summary"]?.objectValue, "\(reconcile.output)\(reconcile.errors)")
        #expect(summary["matched"]?.asNumberText == "1")
        #expect(summary["unknownHere"]?.asNumberText == "0")
        #expect(summary["mismatch"]?.asNumberText == "1")
        #expect(
            reconcile.output.contains("transactionId \(otherId)); in the report transactionId T-other"), "\(reconcile.output)")
    }

    @Test func aConflictingPlainSQLInsertFailsThePlatformsStatementAndAnIdenticalOneIsANoOp() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        try outbox.database.execute(Self.plainSQLInsert, [.text("c-1"), .text("55")])
        // The same row again: nothing happens, as documented.
        try outbox.database.execute(Self.plainSQLInsert, [.text("c-1"), .text("55")])
        // A different amount under the same reference fails the statement.
        let error = #expect(throws: DatabaseError.self) {
            try outbox.database.execute(Self.plainSQLInsert, [.text("c-1"), .text("56")])
        }
        #expect(error?.code == 19)
        #expect(
            error?.message.contains("jackpotd: conflict: this reference already exists with a different") == true,
            "\(String(describing: error))")
        #expect(try outbox.win(reference: "c-1")?.amount == "55")
        // The Swift API still tells a duplicate (55.0 is 55) from a conflict, naming the field.
        #expect(try outbox.enqueue([Self.newWin("c-1", amount: "55.0")]) == [.duplicate])
        #expect(
            try outbox.enqueue([Self.newWin("c-1", amount: "57")]) == [.rejected(.conflict(reference: "c-1", fields: ["amount"]))]
        )
    }

    static func newWin(_ reference: String, amount: String) -> NewWin {
        NewWin(
            operatorName: "casino-a", userId: "421", gameId: "Im_60_tumblefortune", roundId: "5103188801",
            amount: try! DecimalAmount(validating: amount), reference: reference, jackpotId: "568")
    }
}

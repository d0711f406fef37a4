import Foundation
import Testing
import JackpotStore
import JackpotWire
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct EnqueueTests {
    static func newWin(_ reference: String, amount: String = "55", user: String = "421", timestamp: String? = "1482429190374")
        -> NewWin
    {
        NewWin(
            operatorName: "casino-a", userId: user, gameId: "Im_60_tumblefortune", roundId: "5103188801",
            amount: try! DecimalAmount(validating: amount), reference: reference, timestamp: timestamp, jackpotId: "568")
    }

    @Test func sameWinIsADuplicateAndDifferentContentIsAConflict() throws {
        let directory = TemporaryDirectory()
        let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
        #expect(try outbox.enqueue([Self.newWin("ref-1")]) == [.accepted])
        #expect(try outbox.enqueue([Self.newWin("ref-1")]) == [.duplicate])
        // 55.0 is the same amount as 55: still the same win.
        #expect(try outbox.enqueue([Self.newWin("ref-1", amount: "55.0")]) == [.duplicate])
        // Re-sent without a timestamp: "now" differs, but it is the same win.
        #expect(try outbox.enqueue([Self.newWin("ref-1", timestamp: nil)]) == [.duplicate])
        let conflict = try outbox.enqueue([Self.newWin("ref-1", amount: "56")])
        #expect(conflict == [.rejected(.conflict(reference: "ref-1", fields: ["amount"]))])
        if case .rejected(let rejection)? = conflict.first {
            #expect(rejection.description == "reference ref-1 already exists with a different amount")
        }
        #expect(
            try outbox.enqueue([Self.newWin("ref-1", user: "999")]) == [
                .rejected(.conflict(reference: "ref-1", fields: ["userId"]))
            ])
        #expect(
            try outbox.enqueue([Self.newWin("ref-1", timestamp: "1482429190375")]) == [
                .rejected(.conflict(reference: "ref-1", fields: ["timestamp"]))
            ])
        let stored = try #require(try outbox.win(reference: "ref-1"))
        #expect(stored.amount == "55")
        #expect(stored.timestamp == "1482429190374")
    }

    @Test func aReturnedEnqueueIsOnDiskForAnotherConnection() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let writer = try Outbox(path: path)
        let batch = (0..<5000).map { Self.newWin("batch-\($0)") }
        let results = try writer.enqueue(batch)
        #expect(results.allSatisfy { $0 == .accepted })
        let reader = try Outbox(path: path)
        #expect(try reader.database.queryScalar("SELECT count(*) FROM wins").integerValue == 5000)
        #expect(try reader.statusSnapshot(now: 0).count(.pending, operator: "casino-a") == 5000)
    }

    @Test func twoProcessesEnqueueingIntoOneFileLoseNothing() async throws {
        let directory = TemporaryDirectory()
        let database = directory.path("outbox.sqlite3")
        _ = try Outbox(path: database)
        var processes: [DaemonProcess] = []
        for writer in 0..<2 {
            let lines = (0..<3000).map { winLine("p\(writer)-\($0)", operator: "casino-a") }
            let file = directory.write("batch-\(writer).jsonl", lines.joined(separator: "\n") + "\n")
            processes.append(
                try DaemonProcess(
                    ["enqueue", "--create", "--db", database, "--file", file], logPath: directory.path("enqueue-\(writer).log")))
        }
        for process in processes {
            let status = await process.waitForExit(within: 120)
            #expect(status == 0, "enqueue exited \(String(describing: status)): \(process.log)")
        }
        let outbox = try Outbox(path: database)
        #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins").integerValue == 6000)
        #expect(try outbox.database.integrityCheck() == "ok")
    }
}

import Foundation
import Testing
import JackpotCLI
import JackpotStore
import OperatorSimulator
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct BackupCommandTests {
    /// Reads a backup the way a restore would: its own connection, integrity first.
    static func contents(of path: String) throws -> (integrity: String, wins: [String: StoredWin], countsAgree: Bool) {
        let copy = try Outbox(path: path)
        let integrity = try copy.database.integrityCheck()
        let wins = Dictionary(uniqueKeysWithValues: try copy.wins(WinFilter()).map { ($0.reference, $0) })
        // The trigger-kept counters must match the rows: a torn copy would disagree.
        func counts(_ sql: String) throws -> [String: Int64] {
            Dictionary(
                uniqueKeysWithValues: try copy.database.query(sql).map {
                    ("\($0.string("operator") ?? "")/\($0.string("state") ?? "")", $0.int64("n") ?? -1)
                })
        }
        let actual = try counts("SELECT operator, state, count(*) AS n FROM wins GROUP BY operator, state")
        let kept = try counts("SELECT operator, state, count AS n FROM win_counts WHERE count > 0")
        return (integrity, wins, actual == kept)
    }

    /// Backups taken while a dispatcher is delivering to the same database are
    /// each a consistent snapshot holding every win.
    @Test func consistentCopiesWhileTheDaemonDelivers() async throws {
        let fixture = try OpsFixture()
        // Every call takes a little while, so deliveries are still going on during the copies.
        fixture.wallet("casino-a").setFaultPlan { _ in .delayThenAnswer(seconds: 0.01) }
        let references = (0..<300).map { String(format: "bk-%04d", $0) }
        try await fixture.enqueue(references.map { winLine($0, operator: "casino-a") })
        let source = try fixture.outbox()

        var outputs: [String] = []
        try await fixture.withDispatcher { () async throws in
            #expect(await eventually { ((try? fixture.count(.delivered)) ?? 0) > 0 })
            for index in 1...3 {
                let result = await fixture.cli(["backup", fixture.directory.path("copy-\(index).sqlite3")])
                #expect(result.code == .success, "\(result.errors)")
                outputs.append(result.output)
            }
            #expect(await eventually { ((try? fixture.count(.delivered)) ?? 0) == references.count })
        }

        for index in 1...3 {
            let path = fixture.directory.path("copy-\(index).sqlite3")
            #expect(outputs[index - 1] == "backed up \(fixture.databasePath) to \(path): 300 wins, integrity ok\n")
            let copy = try Self.contents(of: path)
            #expect(copy.integrity == "ok")
            #expect(copy.countsAgree)
            #expect(Set(copy.wins.keys) == Set(references))
            for (reference, win) in copy.wins {
                let live = try #require(try source.win(reference: reference))
                #expect(win.amount == live.amount && win.operatorName == live.operatorName && win.timestamp == live.timestamp)
                if win.state == .delivered { #expect(win.transactionId == live.transactionId) }
            }
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test func existingFileIsRefusedAndLeftAlone() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("bk-1", operator: "casino-a")])
        let existing = fixture.directory.write("copy.sqlite3", "precious", mode: 0o644)

        let result = await fixture.cli(["backup", existing])
        #expect(result.code == .failure)
        #expect(result.output.isEmpty)
        #expect(firstLine(result.errors).hasPrefix("jackpotd backup: error: "))
        #expect(result.errors.contains("\(existing) exists; choose a new file (a backup never overwrites)"))
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "precious")
    }

    @Test func extraArgumentIsAUsageError() async throws {
        let fixture = try OpsFixture()
        let result = await fixture.cli(["backup", "a.sqlite3", "b.sqlite3"])
        #expect(result.code == .usage)
        #expect(firstLine(result.errors) == "jackpotd backup: error: unexpected argument \"b.sqlite3\"")
    }

    /// What the nightly timer runs: a dated copy into a directory, only the newest N kept,
    /// nothing else in the directory touched.
    @Test func intoADirectoryRotatesOnlyItsOwnCopies() async throws {
        let fixture = try OpsFixture()
        try await fixture.enqueue([winLine("bk-1", operator: "casino-a")])
        let directory = fixture.directory.path("backups")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for old in ["outbox-20200101T000000Z.sqlite3", "outbox-20200102T000000Z.sqlite3", "outbox-20200103T000000Z.sqlite3"] {
            fixture.directory.write("backups/" + old, "old copy")
        }
        fixture.directory.write("backups/notes.txt", "keep me")

        let result = await fixture.cli(["backup", "--into", directory, "--keep", "2"])
        #expect(result.code == .success, "\(result.errors)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        let new = try #require(names.first { $0.hasPrefix("outbox-") && !$0.hasPrefix("outbox-2020") }, "\(names)")
        #expect(names == ["notes.txt", "outbox-20200103T000000Z.sqlite3", new])
        #expect(result.output.contains("backed up \(fixture.databasePath) to \(directory)/\(new): 1 wins, integrity ok"))
        #expect(result.output.contains("removed old backup \(directory)/outbox-20200101T000000Z.sqlite3"))
        #expect(try Self.contents(of: directory + "/" + new).wins.keys.sorted() == ["bk-1"])
    }

    @Test func keepWithoutIntoIsAUsageError() async throws {
        let fixture = try OpsFixture()
        let result = await fixture.cli(["backup", "a.sqlite3", "--keep", "3"])
        #expect(result.code == .usage)
        #expect(firstLine(result.errors) == "jackpotd backup: error: --keep goes with --into DIR")
    }
}

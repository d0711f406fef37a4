import Foundation
import Testing
import JackpotCLI
import TestSupport

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DemoCommandTests {
    /// The whole path in-process: two loopback operators (one flaky), the real
    /// dispatcher, every win delivered and credited exactly once.
    @Test func fortyWinsAreEachDeliveredAndCreditedOnce() async throws {
        let result = await runCLI(["demo", "--wins", "40"])
        #expect(result.code == .success, "\(result.output)\n\(result.errors)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("jackpotd demo: 40 wins enqueued in ") == true)
        #expect(lines.contains { $0.hasPrefix("delivered      40 of 40 in ") })
        #expect(lines.contains { $0.hasPrefix("operators      credited 40 wins once each;") && $0.hasSuffix("; 0 bad hashes") })
        #expect(lines.last == "result         every win delivered and credited exactly once")

        // Without --keep the temporary outbox is gone afterwards.
        let first = try #require(lines.first)
        let database = String(first.dropFirst("jackpotd demo: 40 wins enqueued in ".count))
        #expect(database.hasSuffix("/outbox.sqlite3"))
        #expect(!FileManager.default.fileExists(atPath: (database as NSString).deletingLastPathComponent))
    }

    @Test(arguments: ["1", "0", "many"])
    func badWinCountIsAUsageError(_ count: String) async {
        let result = await runCLI(["demo", "--wins", count])
        #expect(result.code == .usage)
        #expect(
            firstLine(result.errors) == "jackpotd demo: error: --wins must be a whole number from 2 to 100000, got \"\(count)\"")
        #expect(result.output.isEmpty)
    }
}

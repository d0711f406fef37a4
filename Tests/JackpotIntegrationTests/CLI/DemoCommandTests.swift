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

    /// The simulated wallets are a program of their own beside jackpotd; a
    /// jackpotd without it says so and how to build it, before it starts anything.
    @Test func withoutItsWalletsProgramTheDemoNamesTheFix() async throws {
        let directory = TemporaryDirectory()
        let lonely = directory.path("jackpotd")
        try FileManager.default.copyItem(atPath: DaemonProcess.binary.path, toPath: lonely)
        let child = try DaemonProcess(
            ["demo", "--wins", "2"], logPath: directory.path("errors.txt"), executable: URL(fileURLWithPath: lonely))
        let status = await child.waitForExit(within: 60)
        #expect(status == ExitCode.failure.rawValue, "\(child.log)")
        #expect(
            firstLine(child.log)
                == "jackpotd demo: error: the simulated operators run in jackpotd-demo-wallets, which is not in "
                + "\(directory.path); build it beside jackpotd with `swift build --product jackpotd-demo-wallets` (make demo does)"
        )
    }
}

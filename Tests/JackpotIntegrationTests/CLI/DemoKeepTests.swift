import Foundation
import Testing
import JackpotCLI
import JackpotWire
import TestSupport

/// `demo --keep` leaves what it says it leaves, usable by the other commands.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DemoKeepTests {
    @Test func keptDirectoryHasAConfigStatusAcceptsAndADaemonLog() async throws {
        let result = await runCLI(["demo", "--wins", "10", "--keep"])
        #expect(result.code == .success, "\(result.output)\n\(result.errors)")
        let kept = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("kept ") })
        let directory = String(kept.dropFirst("kept ".count).prefix { $0 != ":" })
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(result.output.contains("jackpotd status --config \(directory)/config.json"))

        let status = await runCLI(["status", "--config", directory + "/config.json", "--json"])
        #expect(status.code == .success, "\(status.errors)")
        #expect(try parseObject(status.output)["counts"]?.objectValue?["delivered"] == .number("10"))
        #expect(await runCLI(["check", "--config", directory + "/config.json"]).code == .success)

        let log = try String(contentsOfFile: directory + "/daemon.log", encoding: .utf8)
        #expect(log.contains("event=start"))
        #expect(!log.contains("demo-secret"))
    }
}

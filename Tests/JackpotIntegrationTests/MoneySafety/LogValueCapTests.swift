import Foundation
import Testing
import JackpotStore
import TestSupport
import JackpotTelemetry

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct LogValueCapTests {
    @Test(arguments: [LogFormat.logfmt, .json])
    func aHugeValueIsCutWithAVisibleMarker(_ format: LogFormat) {
        let sink = CapturingSink()
        let logger = Logger(format: format, minimumLevel: .info, sink: sink, clock: { 0 })
        logger.info("e", ["big": .string(String(repeating: "é", count: 600_000)), "small": "ok"])
        let line = try! #require(sink.lines.first)
        #expect(line.utf8.count < LogValueCap.limit + 200, "\(line.utf8.count)")
        #expect(line.contains("…(1200000 bytes)"))
        #expect(line.contains("ok"))
        // Cut between characters, never inside one.
        #expect(LogValueCap.capped(String(repeating: "é", count: 600)) == String(repeating: "é", count: 512) + "…(1200 bytes)")
        #expect(LogValueCap.capped("short") == "short")
    }

    @Test func aOneMegabyteReferenceInsertedBySQLGivesABoundedLogLine() async throws {
        let fixture = try OpsFixture()
        try fixture.outbox().database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id)
            VALUES (printf('%.*c', 1048576, 'r'), 'casino-a', '421', 'g', 'r', '55', 'j')
            """)
        let daemon = try RunningDispatcher(configPath: fixture.configPath)
        let parked = await eventually { daemon.log.contains { $0.contains("event=win_failed") } }
        try await daemon.stop()
        #expect(parked)
        let line = try #require(daemon.log.first { $0.contains("event=win_failed") })
        #expect(line.utf8.count < 2048, "\(line.utf8.count) bytes")
        #expect(line.contains("…(1048576 bytes)"))
        #expect(try fixture.count(.failed) == 1)
    }
}

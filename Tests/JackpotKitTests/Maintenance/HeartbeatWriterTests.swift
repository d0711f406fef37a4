import Testing
import TestSupport
import JackpotDelivery
import JackpotStore

/// The daemon's row in `daemons`: written each pass with the time the clock
/// says, old rows dropped at start, its own removed at a clean stop.
@Suite(.timeLimit(.minutes(2))) struct HeartbeatWriterTests {
    static let day: Int64 = 86_400_000

    static func beats(_ fixture: MaintenanceFixture) throws -> [String: DaemonHeartbeat] {
        try fixture.withOutbox { outbox in
            Dictionary(uniqueKeysWithValues: try outbox.heartbeats().map { ($0.owner, $0) })
        }
    }

    @Test func eachPassMovesLastSeenAndAStopRemovesTheRow() async throws {
        let fixture = try await MaintenanceFixture()
        let start = fixture.clock.now
        let writer = HeartbeatWriter(dispatcher: fixture.dispatcher, startedAt: start, settings: .init(interval: .seconds(3)))
        let me = fixture.owner.description

        _ = try await writer.runOnce(on: fixture.store, now: start)
        let first = try #require(try Self.beats(fixture)[me])
        #expect(first.startedAt == start)
        #expect(first.lastSeenAt == start)
        #expect(first.intervalMilliseconds == 3_000)

        fixture.clock.advance(milliseconds: 3_000)
        _ = try await writer.runOnce(on: fixture.store, now: fixture.clock.now)
        let second = try #require(try Self.beats(fixture)[me])
        #expect(second.startedAt == start)
        #expect(second.lastSeenAt == start + 3_000)

        try await writer.stop(on: fixture.store)
        #expect(try Self.beats(fixture)[me] == nil)
    }

    @Test func startDropsRowsSilentForAWeekAndKeepsRecentOnes() async throws {
        let fixture = try await MaintenanceFixture()
        let start = fixture.clock.now
        try fixture.withOutbox { outbox in
            for (owner, silentFor) in [("far-host:1:old:b:n", 8 * Self.day), ("far-host:2:recent:b:n", Self.day)] {
                try outbox.recordHeartbeat(
                    DaemonHeartbeat(
                        owner: owner, host: "far-host", pid: 1, startedAt: start - silentFor, lastSeenAt: start - silentFor,
                        intervalMilliseconds: 2_000))
            }
        }

        try await HeartbeatWriter(dispatcher: fixture.dispatcher, startedAt: start).start(on: fixture.store, now: start)
        #expect(try Self.beats(fixture).keys.sorted() == ["far-host:2:recent:b:n"])
    }
}

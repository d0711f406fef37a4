import Foundation
import Testing
import TestSupport
import JackpotDelivery
import JackpotStore

/// The outbox file or its `-wal` gone from under the daemon's connection: a
/// pass throws what stops the daemon, after saving what only the deleted log held.
@Suite(.timeLimit(.minutes(2))) struct OutboxFileCheckTests {
    @Test func aPassOverTheFilesTheConnectionOpenedThrowsNothing() async throws {
        let fixture = try await MaintenanceFixture()
        _ = try await OutboxFileCheck().runOnce(on: fixture.store, now: fixture.clock.now)
        _ = try await OutboxFileCheck().runOnce(on: fixture.store, now: fixture.clock.now)
    }

    @Test func aDeletedLogIsWrittenIntoTheDatabaseFileBeforeThePassThrows() async throws {
        // The daemon's connection created the outbox, so it had no log to note when it opened.
        let fixture = try await MaintenanceFixture()
        // Committed into the log the daemon's connection shares, then the log is deleted.
        try fixture.probe.enqueue(["in-the-log"], operator: "casino-a", now: fixture.clock.now)
        try #require(unlink(fixture.path + "-wal") == 0)

        let thrown = await #expect(throws: OutboxFileCheck.WALDeletedError.self) {
            _ = try await OutboxFileCheck().runOnce(on: fixture.store, now: fixture.clock.now)
        }
        let error = try #require(thrown)
        #expect(error.saved, "\(error.problem ?? "-")")
        #expect(error.framesSaved > 0)
        #expect(try fixture.probe.win("in-the-log")?.state == .pending)
    }

    @Test func aReplacedDatabaseFileThrowsDatabaseMoved() async throws {
        let fixture = try await MaintenanceFixture()
        try #require(rename(fixture.path, fixture.path + ".moved") == 0)

        await #expect(throws: OutboxFileCheck.DatabaseMovedError.self) {
            _ = try await OutboxFileCheck().runOnce(on: fixture.store, now: fixture.clock.now)
        }
    }
}

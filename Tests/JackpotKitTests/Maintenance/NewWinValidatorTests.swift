import Testing
import TestSupport
import JackpotDelivery
import JackpotStore

/// Rows written by plain SQL are checked once; the invalid ones are parked
/// `failed` with the reason, a slice per pass, and a backlog asks for the next
/// pass at once.
@Suite(.timeLimit(.minutes(2))) struct NewWinValidatorTests {
    static func insert(_ outbox: Outbox, _ reference: String, operator name: String = "casino-a", userIdSQL: String = "'421'")
        throws
    {
        try outbox.database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id)
            VALUES (?, ?, \(userIdSQL), 'Im_60_tumblefortune', '5103188801', '55', '568')
            """, [.text(reference), .text(name)])
    }

    static func unvalidated(_ fixture: MaintenanceFixture) throws -> Int64? {
        try fixture.probe.query("SELECT count(*) AS n FROM wins WHERE validated = 0").first?.int64("n")
    }

    @Test func invalidRowsAreParkedWithTheirReasonAndValidOnesLeftPending() async throws {
        let fixture = try await MaintenanceFixture()
        try fixture.withOutbox { outbox in
            try Self.insert(outbox, "good")
            try Self.insert(outbox, "stranger", operator: "nobody")
            try Self.insert(outbox, "bad-bytes", userIdSQL: "CAST(X'34FF32' AS TEXT)")
        }
        let validator = NewWinValidator(dispatcher: fixture.dispatcher)

        let pass = try await validator.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(pass.parked.map(\.reference).sorted() == ["bad-bytes", "stranger"])
        #expect(!pass.workLeft)
        #expect(try fixture.probe.win("good")?.state == .pending)
        let stranger = try #require(try fixture.probe.win("stranger"))
        #expect(stranger.state == .failed)
        #expect(stranger.lastError == "operator \"nobody\" is not configured")
        #expect(try fixture.probe.win("bad-bytes")?.state == .failed)
        #expect(try Self.unvalidated(fixture) == 0)
        #expect(fixture.logged("win_failed", "reference=stranger"))

        // Checked once: nothing is left for a second pass.
        #expect(try await validator.runOnce(on: fixture.store, now: fixture.clock.now).parked.isEmpty)
    }

    @Test func aBacklogIsCheckedASlicePerPassUntilNoRowIsLeft() async throws {
        let fixture = try await MaintenanceFixture()
        try fixture.withOutbox { outbox in
            try outbox.database.transaction {
                for index in 0..<1_200 { try Self.insert(outbox, "b-\(index)", operator: index == 1_100 ? "nobody" : "casino-a") }
            }
        }
        let validator = NewWinValidator(dispatcher: fixture.dispatcher, settings: .init(sliceRows: 500))

        let first = try await validator.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(first.workLeft)
        #expect(first.parked.isEmpty)
        #expect(try Self.unvalidated(fixture) == 700)
        let second = try await validator.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(second.workLeft)
        #expect(try Self.unvalidated(fixture) == 200)
        let third = try await validator.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(!third.workLeft)
        #expect(third.parked.map(\.reference) == ["b-1100"])
        #expect(try Self.unvalidated(fixture) == 0)
        #expect(try fixture.probe.count(.failed) == 1)
    }
}

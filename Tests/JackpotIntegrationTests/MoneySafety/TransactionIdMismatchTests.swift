import Foundation
import Testing
import TestSupport
import JackpotDelivery
import JackpotStore
import JackpotWire

/// Two daemons sent one win (the first hung past its lease) and the operator
/// confirmed each under its own transactionId: a possible double credit.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct TransactionIdMismatchTests {
    static func attempt(_ winId: Int64, daemon: String, transactionId: String) -> RecordedOutcome {
        let record = AttemptRecord(
            winId: winId, attempt: 1, startedAt: 1, durationMs: 1, httpStatus: 200, errorCode: nil,
            outcome: "delivered", detail: "transactionId \(transactionId)", responseHead: nil, daemon: daemon)
        return RecordedOutcome(winId: winId, attempt: record, change: .delivered(Confirmation(transactionId: transactionId)))
    }

    @Test func aDifferentTransactionIdOnARepeatIsLoggedKeptSecondAndFlagged() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a")])
        try await fixture.enqueue([winLine("t-1", operator: "casino-a")])
        let outbox = try fixture.outbox()
        // A plain-SQL row for an operator not in the config: it waits, and status says so.
        try outbox.database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id)
            VALUES ('gone-1', 'retired', '421', 'g', 'r', '55', 'j')
            """)
        let now = WallClock.nowMilliseconds()
        let first = try outbox.claim(operator: "casino-a", limit: 1, owner: "a:1:x", leaseExpiresAt: now + 10, now: now)
        let winId = try #require(first.first?.id)
        #expect(try outbox.recoverLeases(now: now + 20, isDead: { _ in false }) == ["t-1"])
        _ = try outbox.claim(operator: "casino-a", limit: 1, owner: "b:2:y", leaseExpiresAt: now + 10_000, now: now + 20)
        try outbox.database.transaction {
            try outbox.record([Self.attempt(winId, daemon: "b:2:y", transactionId: "T-first")], owner: "b:2:y", now: now + 30)
        }
        try outbox.database.transaction {
            try outbox.record([Self.attempt(winId, daemon: "a:1:x", transactionId: "T-second")], owner: "a:1:x", now: now + 40)
        }
        let win = try fixture.win("t-1")
        #expect(win.state == .delivered)
        #expect(win.transactionId == "T-first")
        #expect(win.otherTransactionIds == "T-second")
        let log = try outbox.attempts(winId: winId).map(\.detail)
        #expect(
            log == [
                "transactionId T-first",
                "transactionId T-second; a repeat delivery with another transactionId: kept the first, T-first",
            ])

        let show = await fixture.cli(["show", "t-1"])
        #expect(show.output.contains("WARNING:"), "\(show.output)")
        #expect(show.output.contains("other transactionId(s): T-second; kept the first"), "\(show.output)")
        let json = try await fixture.showJSON("t-1")
        #expect(json["otherTransactionIds"] == .array([.string("T-second")]))

        let status = await fixture.cli(["status"])
        #expect(
            status.output.contains("WARNING: 1 delivered win was confirmed again under another transactionId"), "\(status.output)"
        )
        #expect(
            status.output.contains("WARNING: 1 pending win of operator retired, which is not in the config"), "\(status.output)")
        let statusJSON = try await fixture.statusJSON()
        #expect(statusJSON["transactionIdMismatches"] == .number("1"))
        #expect(statusJSON["unconfiguredPending"] == .object(JSONObject([("retired", JSONValue.number("1"))])))
    }

    @Test func theMetricsFileCarriesTheFlagAndTheUnconfiguredOperatorsWins() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a")])
        let outbox = try fixture.outbox()
        try outbox.database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, state, transaction_id,
                              delivered_at, other_transaction_ids)
            VALUES ('m-1', 'casino-a', '421', 'g', 'r', '55', 'j', 'delivered', 'T1', 1, 'T2')
            """)
        // Validated while "retired" was configured, which a reload has since removed: the win waits.
        try outbox.database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, validated)
            VALUES ('r-1', 'retired', '421', 'g', 'r', '55', 'j', 1)
            """)
        let file = fixture.directory.path("jackpotd.prom")
        var settings = Dispatcher.Settings()
        settings.metricsFile = file
        settings.metricsIntervalMilliseconds = 50
        let daemon = try RunningDispatcher(configPath: fixture.configPath, settings: settings)
        let written = await eventually {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return text.contains("jackpotd_transaction_id_mismatch_wins 1\n")
                && text.contains("jackpotd_unconfigured_operator_pending_wins{operator=\"retired\"} 1\n")
        }
        try await daemon.stop()
        #expect(written)
        let check = try #require(try promtoolCheckMetrics(file), "promtool is not installed")
        #expect(check.status == 0, "\(check.output)")
    }
}

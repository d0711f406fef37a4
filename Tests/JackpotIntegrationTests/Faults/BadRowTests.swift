import Foundation
import Testing
import JackpotStore
import OperatorSimulator
import TestSupport

/// Rows a platform wrote into the outbox table with plain SQL, bypassing every
/// check of `enqueue`. The daemon parks each invalid one as `failed` with the
/// reason the first time it reads it — never sends it, never stops over it — and
/// delivers the valid rows written beside them.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct BadRowTests {
    /// One row as a platform might insert it: the columns it must fill.
    struct Row {
        var reference: String
        var operatorName = "casino-a"
        var userId = "421"
        var gameId = "Im_60_tumblefortune"
        var roundId = "5103188801"
        var amount = "55"
        var jackpotId = "568"
        var timestamp = "1482429190374"
        /// What `last_error` must contain when the row is invalid; nil for a valid row.
        var reason: String?
    }

    static func badRows(prefix: String) -> [Row] {
        [
            Row(
                reference: "\(prefix)-amount-abc", amount: "abc",
                reason: "amount is not a plain decimal number (digits and an optional '.') (\"abc\")"),
            Row(reference: "\(prefix)-amount-negative", amount: "-5", reason: "amount must be positive"),
            Row(reference: "\(prefix)-amount-exponent", amount: "1e3", reason: "amount is not a plain decimal"),
            Row(reference: "\(prefix)-amount-zero", amount: "0", reason: "amount must be greater than zero"),
            Row(reference: "\(prefix)-amount-comma", amount: "5,00", reason: "amount is not a plain decimal"),
            Row(reference: "\(prefix)-user-empty", userId: "", reason: "userId is empty"),
            Row(
                reference: "\(prefix)-operator-unknown", operatorName: "casino-z",
                reason: "operator \"casino-z\" is not configured"),
            Row(reference: "\(prefix)-control", gameId: "Im_60\u{1}tumble", reason: "gameId contains a control character"),
            Row(reference: "\(prefix)-newline", roundId: "5103\n188801", reason: "roundId contains a control character"),
            Row(reference: "\(prefix)-timestamp", timestamp: "yesterday", reason: "timestamp must be epoch milliseconds"),
            Row(reference: "\(prefix)-" + String(repeating: "r", count: 200), reason: "reference is longer than 128 characters"),
        ]
    }

    static func goodRows(prefix: String, count: Int) -> [Row] {
        (1...count).map { Row(reference: "\(prefix)-good-\($0)") }
    }

    /// Inserts `rows` in one transaction of the test's own connection, as a platform would.
    static func insert(_ rows: [Row], into path: String) throws {
        let database = try Outbox(path: path).database
        try database.transaction {
            for row in rows {
                try database.execute(
                    """
                    INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, timestamp)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(row.reference), .text(row.operatorName), .text(row.userId), .text(row.gameId),
                        .text(row.roundId), .text(row.amount), .text(row.jackpotId), .text(row.timestamp),
                    ])
            }
        }
    }

    @Test func invalidRowsAreParkedWithTheirReasonAndValidOnesDelivered() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "testKey")
        defer { wallet.stop() }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: wallet.url, secret: "testKey",
                    extra: fastDelivery(concurrency: nil))
            ])
        let database = directory.path("outbox.sqlite3")
        let probe = OutboxProbe(path: database)

        // Rows already waiting when the daemon starts, bad ones between good ones.
        let firstBad = Self.badRows(prefix: "a")
        let firstGood = Self.goodRows(prefix: "a", count: 4)
        try Self.insert([firstGood[0], firstGood[1]] + firstBad + [firstGood[2], firstGood[3]], into: database)
        let daemon = try InProcessDaemon(configPath: config)

        #expect(try await eventually { try probe.allDelivered(firstGood.map(\.reference)) })
        #expect(try await eventually { try probe.count(.failed) == firstBad.count })
        try Self.expectParked(firstBad, probe: probe, wallet: wallet)

        // Rows written while it runs: the daemon is still there and does the same.
        let secondBad = Self.badRows(prefix: "b")
        let secondGood = Self.goodRows(prefix: "b", count: 3)
        try Self.insert(secondBad + secondGood, into: database)
        #expect(try await eventually { try probe.allDelivered(secondGood.map(\.reference)) })
        #expect(try await eventually { try probe.count(.failed) == firstBad.count + secondBad.count })
        try Self.expectParked(secondBad, probe: probe, wallet: wallet)

        #expect(daemon.isRunning)
        #expect(daemon.events("storage_error").isEmpty, "\(daemon.events("storage_error"))")
        let parkedLogged = daemon.events("win_failed")
        for row in firstBad + secondBad {
            #expect(
                parkedLogged.contains { $0.contains(String(row.reference.prefix(40))) },
                "no win_failed log for \(row.reference.prefix(40))")
        }
        try await daemon.stop()

        // Only valid rows ever reached the operator, each once.
        #expect(wallet.snapshot.requests == firstGood.count + secondGood.count)
        #expect(wallet.snapshot.hashFailures == 0)
        #expect(try probe.count(.delivered) == firstGood.count + secondGood.count)
        #expect(try probe.unconfirmedDeliveries(wallet).isEmpty)
        #expect(try probe.integrityCheck() == "ok")
        let everyReference = (firstGood + firstBad + secondGood + secondBad).map(\.reference)
        #expect(try probe.missing(everyReference).isEmpty)
    }

    static func expectParked(_ rows: [Row], probe: OutboxProbe, wallet: ScriptedOperator) throws {
        for row in rows {
            let win = try #require(try probe.win(row.reference), "\(row.reference) vanished")
            #expect(win.state == .failed, "\(row.reference): \(win.state)")
            #expect(win.attempts == 0, "an invalid row is parked before any call")
            #expect(try probe.attempts(row.reference).isEmpty)
            #expect(wallet.credit(for: row.reference) == nil)
            let reason = try #require(row.reason)
            #expect(
                win.lastError?.contains(reason) == true,
                "\(row.reference.prefix(40)): last_error \(win.lastError ?? "none"), expected \(reason)")
        }
    }
}

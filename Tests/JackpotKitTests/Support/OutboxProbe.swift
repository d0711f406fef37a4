import Foundation
@testable import JackpotKit

/// Reads (and, for setup, writes) an outbox from the test's side, through a
/// connection of its own, the way `jackpotd status` would.
struct OutboxProbe {
    let path: String

    init(_ path: String) { self.path = path }

    private func open() throws -> Outbox { try Outbox(path: path) }

    /// Enqueues one win per reference for `operatorName`, as the library API does.
    func enqueue(_ references: [String], operator operatorName: String, amount: String = "55", now: Int64 = WallClock.nowMilliseconds()) throws {
        let amount = try DecimalAmount(validating: amount)
        let wins = references.map { reference in
            NewWin(
                win: JackpotWin(
                    operatorName: operatorName, userId: "421", gameId: "Im_60_tumblefortune", roundId: "5103188801",
                    amount: amount, reference: reference, timestamp: String(now), jackpotId: "568"),
                timestampProvided: true)
        }
        let results = try open().enqueue(wins, now: now)
        if let refused = results.first(where: { $0 != .accepted }) { throw SetupError(message: "enqueue: \(refused)") }
    }

    struct SetupError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Wins in `state`, counted on the `wins` table itself (not the trigger-kept counts).
    func count(_ state: WinState, operator operatorName: String? = nil) throws -> Int {
        var sql = "SELECT count(*) FROM wins WHERE state = ?"
        var arguments: [SQLValue] = [.text(state.rawValue)]
        if let operatorName {
            sql += " AND operator = ?"
            arguments.append(.text(operatorName))
        }
        return Int(try open().database.queryScalar(sql, arguments).integerValue ?? -1)
    }

    func win(_ reference: String) throws -> StoredWin? { try open().win(reference: reference) }

    /// The attempt log of one win, oldest first.
    func attempts(_ reference: String) throws -> [AttemptRecord] {
        let outbox = try open()
        guard let win = try outbox.win(reference: reference) else { return [] }
        return try outbox.attempts(winId: win.id)
    }

    /// Rows in the attempt log, optionally of one operator's wins.
    func attemptCount(operator operatorName: String? = nil) throws -> Int {
        let database = try open().database
        guard let operatorName else { return Int(try database.queryScalar("SELECT count(*) FROM attempts").integerValue ?? -1) }
        return Int(try database.queryScalar(
            "SELECT count(*) FROM attempts JOIN wins ON wins.id = attempts.win_id WHERE wins.operator = ?",
            [.text(operatorName)]
        ).integerValue ?? -1)
    }

    func operatorState(_ name: String) throws -> OperatorRuntimeState? { try open().operatorStates()[name] }

    func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [Row] { try open().database.query(sql, arguments) }

    func integrityCheck() throws -> String { try open().database.integrityCheck() }
}

/// References `prefix-0001` … for `count` wins.
func winReferences(_ prefix: String, _ count: Int) -> [String] {
    (1...count).map { "\(prefix)-\(String(format: "%04d", $0))" }
}

extension OutboxProbe {
    /// Every win, oldest first.
    func allWins() throws -> [StoredWin] { try open().wins(WinFilter()).reversed() }
}

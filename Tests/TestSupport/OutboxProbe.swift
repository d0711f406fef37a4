import Foundation
import JackpotDelivery
import JackpotStore
import JackpotWire
import OperatorSimulator

/// The test's own view of an outbox, through a connection of its own opened per
/// call, the way `jackpotd status` would: a running daemon (in-process or a
/// child) keeps its connection, and a probe never holds a lock between calls.
package struct OutboxProbe {
    package let path: String

    package init(_ path: String) { self.path = path }
    package init(path: String) { self.path = path }

    private func open() throws -> Outbox { try Outbox(path: path) }

    /// Enqueues one win per reference for `operatorName`, as the library API does.
    package func enqueue(
        _ references: [String], operator operatorName: String, amount: String = "55", now: Int64 = WallClock.nowMilliseconds()
    ) throws {
        let amount = try DecimalAmount(validating: amount)
        let wins = references.map { reference in
            NewWin(
                JackpotWin(
                    operatorName: operatorName, userId: "421", gameId: "Im_60_tumblefortune", roundId: "5103188801",
                    amount: amount, reference: reference, timestamp: String(now), jackpotId: "568"))
        }
        let results = try open().enqueue(wins, now: now)
        if let refused = results.first(where: { $0 != .accepted }) { throw SetupError(message: "enqueue: \(refused)") }
    }

    struct SetupError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Every win, oldest first.
    package func wins() throws -> [StoredWin] {
        var wins: [StoredWin] = []
        try open().forEachWin(WinFilter()) { wins.append($0) }
        return wins
    }

    /// Wins in `state` (all wins when nil), counted on the `wins` table itself (not the trigger-kept counts).
    package func count(_ state: WinState? = nil, operator operatorName: String? = nil) throws -> Int {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if let state { conditions.append("state = ?"); arguments.append(.text(state.rawValue)) }
        if let operatorName { conditions.append("operator = ?"); arguments.append(.text(operatorName)) }
        let clause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return Int(try open().database.queryScalar("SELECT count(*) FROM wins" + clause, arguments).integerValue ?? -1)
    }

    package func win(_ reference: String) throws -> StoredWin? { try open().win(reference: reference) }

    /// The attempt log of one win, oldest first (empty when the win is unknown).
    package func attempts(_ reference: String) throws -> [AttemptRecord] {
        let outbox = try open()
        guard let win = try outbox.win(reference: reference) else { return [] }
        return try outbox.attempts(winId: win.id)
    }

    /// Rows in the attempt log, optionally of one operator's wins.
    package func attemptCount(operator operatorName: String? = nil) throws -> Int {
        let database = try open().database
        guard let operatorName else { return Int(try database.queryScalar("SELECT count(*) FROM attempts").integerValue ?? -1) }
        return Int(
            try database.queryScalar(
                "SELECT count(*) FROM attempts JOIN wins ON wins.id = attempts.win_id WHERE wins.operator = ?",
                [.text(operatorName)]
            ).integerValue ?? -1)
    }

    /// True once every one of `references` is delivered.
    package func allDelivered(_ references: [String]) throws -> Bool {
        let delivered = Set(try wins().filter { $0.state == .delivered }.map(\.reference))
        return references.allSatisfy(delivered.contains)
    }

    package func operatorState(_ name: String) throws -> OperatorRuntimeState? { try open().operatorStates()[name] }

    /// The operator's circuit as the daemon last stored it.
    package func circuitState(_ operatorName: String) throws -> CircuitBreaker.State? {
        try operatorState(operatorName)?.circuitState
    }

    package func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [Row] { try open().database.query(sql, arguments) }

    /// `PRAGMA integrity_check`: "ok" for a healthy file.
    package func integrityCheck() throws -> String { try open().database.integrityCheck() }

    /// References of `expected` that are not in the outbox at all: lost wins.
    package func missing(_ expected: [String]) throws -> [String] {
        let stored = Set(try wins().map(\.reference))
        return expected.filter { !stored.contains($0) }
    }

    /// Delivered wins the operator has no credit for, or whose stored transaction id
    /// is not the one the operator issued: deliveries nobody confirmed.
    package func unconfirmedDeliveries(_ wallet: ScriptedOperator) throws -> [String] {
        try wins().filter { win in
            guard win.state == .delivered else { return false }
            return wallet.credit(for: win.reference)?.transactionId != win.transactionId
        }.map(\.reference)
    }
}

/// References `prefix-0001` … for `count` wins.
package func winReferences(_ prefix: String, _ count: Int) -> [String] {
    (1...count).map { "\(prefix)-\(String(format: "%04d", $0))" }
}

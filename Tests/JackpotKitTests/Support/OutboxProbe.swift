import Foundation
@testable import JackpotKit

/// The test's own view of an outbox, through a connection of its own opened per
/// call: a running daemon (in-process or a child) keeps its connection, and a
/// probe never holds a lock between calls.
struct OutboxProbe {
    let path: String

    /// Every win, oldest first.
    func wins() throws -> [StoredWin] {
        let outbox = try Outbox(path: path)
        var wins: [StoredWin] = []
        try outbox.forEachWin(WinFilter()) { wins.append($0) }
        return wins
    }

    func win(_ reference: String) throws -> StoredWin? {
        try Outbox(path: path).win(reference: reference)
    }

    /// The attempt log of `reference`, oldest first (empty when the win is unknown).
    func attempts(_ reference: String) throws -> [AttemptRecord] {
        let outbox = try Outbox(path: path)
        guard let win = try outbox.win(reference: reference) else { return [] }
        return try outbox.attempts(winId: win.id)
    }

    func count(_ state: WinState? = nil) throws -> Int {
        try wins().filter { state == nil || $0.state == state }.count
    }

    /// True once every one of `references` is delivered.
    func allDelivered(_ references: [String]) throws -> Bool {
        let delivered = Set(try wins().filter { $0.state == .delivered }.map(\.reference))
        return references.allSatisfy(delivered.contains)
    }

    /// The operator's circuit as the daemon last stored it.
    func circuitState(_ operatorName: String) throws -> CircuitBreaker.State? {
        try Outbox(path: path).operatorStates()[operatorName]?.circuitState
    }

    /// `PRAGMA integrity_check`: "ok" for a healthy file.
    func integrity() throws -> String {
        try Outbox(path: path).database.integrityCheck()
    }

    /// References of `expected` that are not in the outbox at all: lost wins.
    func missing(_ expected: [String]) throws -> [String] {
        let stored = Set(try wins().map(\.reference))
        return expected.filter { !stored.contains($0) }
    }

    /// Delivered wins the operator has no credit for, or whose stored transaction id
    /// is not the one the operator issued: deliveries nobody confirmed.
    func unconfirmedDeliveries(_ wallet: ScriptedOperator) throws -> [String] {
        try wins().filter { win in
            guard win.state == .delivered else { return false }
            return wallet.credit(for: win.reference)?.transactionId != win.transactionId
        }.map(\.reference)
    }
}

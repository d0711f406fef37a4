/// The ops trail: written in the same transaction as the change it records,
/// so the trail and the wins never disagree.
extension Outbox {
    func record(_ action: OpsAction) throws {
        try database.execute(
            "INSERT INTO ops_actions (at, actor, action, reference, operator, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .integer(action.at), .text(action.actor), .text(action.kind.rawValue), SQLValue(action.reference),
                SQLValue(action.operatorName), SQLValue(action.reason), SQLValue(action.detail),
            ])
    }

    /// Records a probe call before it is sent, so a call that credits is in the
    /// trail even if the command dies waiting for the answer; returns the row's
    /// id for `recordProbeAnswer`.
    package func recordProbeCall(_ action: OpsAction) throws -> Int64 {
        precondition(action.kind == .probe, "recordProbeCall records probe calls only")
        try record(action)
        return database.lastInsertRowID
    }

    /// Adds what the wallet answered to a probe call's row.
    package func recordProbeAnswer(id: Int64, detail: String) throws {
        try database.execute(
            "UPDATE ops_actions SET detail = ? WHERE id = ? AND action = 'probe'", [.text(detail), .integer(id)])
    }

    /// Every ops action on the win `reference`, oldest first.
    package func opsActions(reference: String) throws -> [OpsAction] {
        try database.query("SELECT * FROM ops_actions WHERE reference = ? ORDER BY id", [.text(reference)])
            .compactMap(OpsAction.init(row:))
    }

    /// The most recent ops actions of one kind, newest first.
    package func recentOpsActions(kind: OpsAction.Kind, limit: Int) throws -> [OpsAction] {
        try database.query(
            "SELECT * FROM ops_actions WHERE action = ? ORDER BY id DESC LIMIT ?", [.text(kind.rawValue), .integer(Int64(limit))]
        ).compactMap(OpsAction.init(row:))
    }

    /// The most recent ops actions of any kind, newest first.
    package func recentOpsActions(limit: Int) throws -> [OpsAction] {
        try database.query("SELECT * FROM ops_actions ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))])
            .compactMap(OpsAction.init(row:))
    }
}

import JackpotWire
/// The ops trail: written in the same transaction as the change it records,
/// so the trail and the wins never disagree.
extension Outbox {
    func record(_ action: OpsAction) throws {
        try database.execute(
            "INSERT INTO ops_actions (at, actor, action, reference, operator, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.integer(action.at), .text(action.actor), .text(action.kind.rawValue), SQLValue(action.reference),
             SQLValue(action.operatorName), SQLValue(action.reason), SQLValue(action.detail)])
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

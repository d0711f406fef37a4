/// One ops action in the trail: who changed what, when, and why.
package struct OpsAction: Sendable, Hashable {
    package enum Kind: String, Sendable, CaseIterable {
        case retry, cancel, pause, resume, purge
        /// Leases of a vanished host's daemons released (`jackpotd takeover`).
        case takeover
        /// One call of `jackpotd probe` to an operator's wallet (never a win to deliver).
        case probe
    }

    package var at: Int64
    /// `$SUDO_USER`, else `$USER`, else `uid N`: the person behind the command.
    package var actor: String
    package var kind: Kind
    package var reference: String?
    package var operatorName: String?
    package var reason: String?
    package var detail: String?

    package init(
        at: Int64, actor: String, kind: Kind, reference: String? = nil, operatorName: String? = nil,
        reason: String? = nil, detail: String? = nil
    ) {
        self.at = at
        self.actor = actor
        self.kind = kind
        self.reference = reference
        self.operatorName = operatorName
        self.reason = reason
        self.detail = detail
    }

    init?(row: Row) {
        guard let kind = row.string("action").flatMap(Kind.init(rawValue:)) else { return nil }
        self.init(
            at: row.int64("at") ?? 0, actor: row.string("actor") ?? "", kind: kind, reference: row.string("reference"),
            operatorName: row.string("operator"), reason: row.string("reason"), detail: row.string("detail"))
    }
}

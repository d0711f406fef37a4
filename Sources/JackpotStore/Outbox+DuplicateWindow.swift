/// How long ago a win was first offered to its wallet. Wallets remember a
/// reference only for a while (`duplicateWindowHours`): sending a win again after
/// that may credit it twice, so `retry` and `status` need to know.
extension Outbox {
    /// When the win's first call was made, or nil when none was (a settlement is no call).
    package func firstAttemptAt(winId: Int64) throws -> Int64? {
        try database.queryScalar(
            "SELECT min(started_at) FROM attempts WHERE win_id = ? AND daemon <> ?",
            [.integer(winId), .text(Self.reconciliationDaemon)]
        ).integerValue
    }

    /// Wins of `operator` in `states` with a call made before `cutoff`. A win's
    /// calls come after its enqueue, so only wins enqueued before `cutoff` are
    /// probed: `wins_finished` and `wins_pending` keep this cheap for `status`.
    /// `createdSince` / `createdBefore` narrow it to the wins `retry --since … --until …` would touch.
    package func countAttempted(
        operator name: String, states: [WinState], before cutoff: Int64, createdSince: Int64? = nil,
        createdBefore: Int64? = nil
    ) throws -> Int {
        var total = 0
        for state in states {
            total += Int(
                try database.queryScalar(
                    """
                    SELECT count(*) FROM wins
                    WHERE state = ? AND operator = ? AND created_at < ? AND created_at >= ? AND created_at < ?
                      AND EXISTS (SELECT 1 FROM attempts a WHERE a.win_id = wins.id AND a.started_at < ? AND a.daemon <> ?)
                    """,
                    [
                        .text(state.rawValue), .text(name), .integer(cutoff), .integer(createdSince ?? .min),
                        .integer(createdBefore ?? .max), .integer(cutoff), .text(Self.reconciliationDaemon),
                    ]
                ).integerValue ?? 0)
        }
        return total
    }
}

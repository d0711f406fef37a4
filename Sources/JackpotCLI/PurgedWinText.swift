import JackpotStore
import JackpotTelemetry

/// How every command names a win that `purge` removed, from the tombstone it
/// left: it was delivered, so it is never sent again, and "no such win" would
/// send ops looking for a bug that is not there.
enum PurgedWinText {
    /// `purged on 2026-12-01 02:00:00Z (delivered 2026-11-01 14:02:11Z, transactionId 9007…)`.
    static func text(_ tombstone: Tombstone) -> String {
        "purged on \(TimeFormat.timestamp(tombstone.purgedAt)) (delivered \(TimeFormat.timestamp(tombstone.deliveredAt)), "
            + "transactionId \(tombstone.transactionId))"
    }

    /// "no win with reference "R"", or what its tombstone says when it was purged.
    static func notFound(_ reference: String, in outbox: Outbox) throws -> String {
        if let tombstone = try outbox.tombstone(reference: reference) {
            return "\(reference) was \(text(tombstone)); only its tombstone is kept"
        }
        return "no win with reference \"\(reference)\""
    }
}

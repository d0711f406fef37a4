/// Why `Outbox.enqueue` did not store a win. Nothing of a rejected win is
/// stored; sending it again as it is gets the same answer, so a platform fixes
/// the win (or its own records) rather than retrying.
public enum EnqueueRejection: Sendable, Hashable, CustomStringConvertible {
    /// A field breaks the contract (docs/platform.md, "Fields and their rules"):
    /// `field` is its wallet API name (`amount`, `timestamp`, …) and `reason`
    /// completes the sentence, e.g. "is longer than 128 characters".
    case invalid(field: String, reason: String)
    /// `reference` is in the outbox with different content: `fields` names
    /// every field that differs, in the order of the fields table (never empty).
    case conflict(reference: String, fields: [String])
    /// `reference` belongs to a win delivered (under `transactionId`) and later
    /// purged, and this win's content differs. Only a digest of the purged
    /// win is kept, so which fields differ is unknown. `deliveredAt` and
    /// `purgedAt` are UTC times such as `2026-11-01T14:30:05.123Z`.
    case conflictWithPurgedWin(reference: String, transactionId: String, deliveredAt: String, purgedAt: String)

    /// One line for a person; `jackpotd enqueue` prints the same words.
    public var description: String {
        switch self {
        case .invalid(let field, let reason):
            return "\(field) \(reason)"
        case .conflict(let reference, let fields):
            return "reference \(reference) already exists with a different \(fields.first ?? "content")"
        case .conflictWithPurgedWin(let reference, let transactionId, let deliveredAt, let purgedAt):
            return
                "reference \(reference) was delivered on \(deliveredAt) (transactionId \(transactionId)), purged on \(purgedAt), with different content"
        }
    }
}

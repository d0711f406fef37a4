import JackpotWire
/// A win on its way into the outbox. `timestampProvided` matters for
/// idempotency: a win re-sent without a timestamp must still count as the same
/// win, although "now" differs between the two calls.
public struct NewWin: Sendable, Hashable {
    public var win: JackpotWin
    public var timestampProvided: Bool

    public init(win: JackpotWin, timestampProvided: Bool) {
        self.win = win
        self.timestampProvided = timestampProvided
    }
}

/// What happened to one win handed to `Outbox.enqueue`.
public enum EnqueueResult: Sendable, Hashable {
    case accepted
    /// The same win was already in the outbox; nothing changed.
    case duplicate
    /// Not stored: invalid, or the reference exists with different content.
    case rejected(String)
}

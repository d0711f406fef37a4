import JackpotWire

extension Outbox {
    /// Stores `wins`, idempotently on `reference`: one result per input, in
    /// order. When this returns, every accepted win is on disk (fsynced). The
    /// library product's entry point; see docs/platform.md, "From Swift".
    public func enqueue(_ wins: [NewWin]) throws -> [EnqueueResult] {
        try enqueue(wins, now: WallClock.nowMilliseconds())
    }
}

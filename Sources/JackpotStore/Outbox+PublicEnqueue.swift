import JackpotWire

extension Outbox {
    /// Stores `wins`, idempotently on `reference`: one result per input, in
    /// order. When this returns, every accepted win is on disk (fsynced). The
    /// library product's entry point; see docs/platform.md, "From Swift".
    ///
    /// Each win is validated first (`JackpotWin.validate`, e.g. a timestamp in
    /// seconds): an invalid one is `.rejected` with the reason and not stored,
    /// as `jackpotd enqueue` would refuse it.
    public func enqueue(_ wins: [NewWin]) throws -> [EnqueueResult] {
        let now = WallClock.nowMilliseconds()
        var results = [EnqueueResult](repeating: .duplicate, count: wins.count)
        var valid: [(position: Int, win: NewWin)] = []
        for (position, newWin) in wins.enumerated() {
            do {
                try newWin.win.validate(now: now)
                valid.append((position, newWin))
            } catch {
                results[position] = .rejected(error.description)
            }
        }
        for (entry, result) in zip(valid, try enqueue(valid.map(\.win), now: now)) { results[entry.position] = result }
        return results
    }
}

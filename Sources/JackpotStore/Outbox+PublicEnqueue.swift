import JackpotWire

extension Outbox {
    /// Stores `wins`, idempotently on `reference`: one result per input, in
    /// order. When this returns, every accepted win is on disk (fsynced). The
    /// library product's entry point; see docs/platform.md, "From Swift".
    ///
    /// Each win is validated first (`JackpotWin.validate`, e.g. a timestamp in
    /// seconds): an invalid one is `.rejected(.invalid(field:reason:))` and not
    /// stored, as `jackpotd enqueue` would refuse it. A thrown `OutboxError`
    /// means the call did not finish (wins are committed 2 000 at a time, so an
    /// earlier part may be stored): enqueueing the same wins again is safe, those
    /// already stored come back `.duplicate`. With `.busy`, try again later.
    public func enqueue(_ wins: [NewWin]) throws(OutboxError) -> [EnqueueResult] {
        let now = WallClock.nowMilliseconds()
        var results = [EnqueueResult](repeating: .duplicate, count: wins.count)
        var valid: [(position: Int, win: NewWin)] = []
        for (position, newWin) in wins.enumerated() {
            do throws(WinValidationError) {
                try newWin.win.validate(now: now)
                valid.append((position, newWin))
            } catch {
                results[position] = .rejected(.invalid(field: error.field, reason: error.reason))
            }
        }
        let stored: [EnqueueResult]
        do {
            stored = try enqueue(valid.map(\.win), now: now)
        } catch let error as DatabaseError {
            throw OutboxError(error, path: path)
        } catch {
            throw OutboxError(code: .other, path: path, sqliteCode: 1, message: String(describing: error))
        }
        for (entry, result) in zip(valid, stored) { results[entry.position] = result }
        return results
    }
}

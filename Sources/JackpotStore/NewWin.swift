import JackpotWire
/// A win on its way into the outbox.
///
/// Its timestamp is either given (when the win happened, part of its content:
/// the same reference with another timestamp is a conflict) or left out, and
/// then the time this value is made. A win re-sent without a timestamp still
/// counts as the same win although "now" differs between the two sends. One
/// optional decides both, so the two can never disagree.
public struct NewWin: Sendable, Hashable {
    /// The win as it is stored and sent.
    public let win: JackpotWin
    /// True when `win.timestamp` was given rather than taken from the clock.
    public let isTimestampGiven: Bool

    /// A complete win: its timestamp is given.
    public init(_ win: JackpotWin) {
        self.win = win
        isTimestampGiven = true
    }

    /// A win from its fields. `timestamp`: epoch milliseconds as decimal text,
    /// or nil for now.
    public init(
        operatorName: String, userId: String, gameId: String, roundId: String,
        amount: DecimalAmount, reference: String, timestamp: String? = nil, jackpotId: String,
        platform: String? = nil, token: String? = nil, jackpotDetails: String? = nil, extra: [WireField] = []
    ) {
        self.init(
            operatorName: operatorName, userId: userId, gameId: gameId, roundId: roundId, amount: amount,
            reference: reference, timestamp: timestamp, jackpotId: jackpotId, platform: platform, token: token,
            jackpotDetails: jackpotDetails, extra: extra, now: WallClock.nowMilliseconds())
    }

    /// As above, with "now" (epoch milliseconds) given, for a parser that stamps a whole batch alike.
    package init(
        operatorName: String, userId: String, gameId: String, roundId: String,
        amount: DecimalAmount, reference: String, timestamp: String?, jackpotId: String,
        platform: String?, token: String?, jackpotDetails: String?, extra: [WireField], now: Int64
    ) {
        win = JackpotWin(
            operatorName: operatorName, userId: userId, gameId: gameId, roundId: roundId, amount: amount,
            reference: reference, timestamp: timestamp ?? String(now), jackpotId: jackpotId, platform: platform,
            token: token, jackpotDetails: jackpotDetails, extra: extra)
        isTimestampGiven = timestamp != nil
    }
}

/// What happened to one win handed to `Outbox.enqueue`.
public enum EnqueueResult: Sendable, Hashable {
    case accepted
    /// The same win was already in the outbox; nothing changed.
    case duplicate
    /// Not stored: invalid, or the reference exists with different content.
    case rejected(EnqueueRejection)
}

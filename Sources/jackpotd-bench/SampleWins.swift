import JackpotStore
import JackpotWire

/// Realistic wins for the measurements: field sizes like the wallet API's
/// examples, varied amounts, 24-hex-digit references, optional platform and token.
enum SampleWins {
    static func make(count: Int, operator name: String, prefix: String, now: Int64) -> [NewWin] {
        let salt = UInt32.random(in: 0...UInt32.max)
        return (0..<count).map { index in
            NewWin(win(index, operator: name, prefix: prefix, salt: salt, now: now))
        }
    }

    static func win(_ index: Int, operator name: String, prefix: String, salt: UInt32, now: Int64) -> JackpotWin {
        let cents = 100 + (index &* 7919) % 500_000
        let fraction = cents % 100
        let amountText =
            "\(cents / 100)"
            + (fraction == 0 ? "" : fraction % 10 == 0 ? ".\(fraction / 10)" : ".\(fraction < 10 ? "0" : "")\(fraction)")
        return JackpotWin(
            operatorName: name, userId: String(1000 + index % 977), gameId: "Im_60_tumblefortune",
            roundId: String(5_103_188_801 + index), amount: try! DecimalAmount(validating: amountText),
            reference: reference(prefix: prefix, index: index, salt: salt), timestamp: String(now),
            jackpotId: String(568 + index % 3), platform: index % 2 == 0 ? "desktop" : "mobile", token: "tok-\(index)")
    }

    /// `prefix` plus 16 hex digits: unique per (salt, index), so runs never collide.
    static func reference(prefix: String, index: Int, salt: UInt32) -> String {
        let hex = String(UInt64(salt) << 32 | UInt64(UInt32(truncatingIfNeeded: index)), radix: 16)
        return prefix + String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }

    /// The same win as one JSON Lines record for `jackpotd enqueue`.
    static func jsonLine(_ win: JackpotWin) -> String {
        var line = "{\"operator\":\(JSONWriter.quoted(win.operatorName)),\"userId\":\(JSONWriter.quoted(win.userId))"
        line += ",\"gameId\":\(JSONWriter.quoted(win.gameId)),\"roundId\":\(JSONWriter.quoted(win.roundId))"
        line += ",\"amount\":\(win.amount.canonical),\"reference\":\(JSONWriter.quoted(win.reference))"
        line += ",\"jackpotId\":\(JSONWriter.quoted(win.jackpotId)),\"timestamp\":\(JSONWriter.quoted(win.timestamp))"
        if let platform = win.platform { line += ",\"platform\":\(JSONWriter.quoted(platform))" }
        if let token = win.token { line += ",\"token\":\(JSONWriter.quoted(token))" }
        return line + "}"
    }
}

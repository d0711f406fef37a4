import JackpotStore
import JackpotTelemetry
import JackpotWire

/// How `status` words an operator that refuses win after win with one error
/// code: the code, the operator's words, since when, and where to look.
enum RefusalPresentation {
    /// `casino-b rejecting: error 5 Invalid hash since 14:02 UTC — check secret and hash settings (4 wins in a row)`,
    /// wrapped before the dash when that is wider than 80 columns (the table's width).
    static func text(operator name: String, _ refusal: OperatorRefusal, now: Int64) -> String {
        let description = refusal.description.map { " " + OutcomeText.clipped($0, 40) } ?? ""
        let head = "\(name) rejecting: error \(refusal.code)\(description) since \(since(refusal.since, now: now))"
        let tail = "— \(refusal.hint) (\(refusal.wins) wins in a row)"
        return head.count + 1 + tail.count <= 80 ? head + " " + tail + "\n" : head + "\n  " + tail + "\n"
    }

    static func json(_ refusal: OperatorRefusal?) -> JSONValue {
        guard let refusal, refusal.isReported else { return .null }
        return .object(
            JSONObject([
                "errorCode": .number(String(refusal.code)),
                "description": WinPresentation.jsonText(refusal.description),
                "since": WinPresentation.jsonTime(refusal.since),
                "wins": .number(String(refusal.wins)),
                "hint": .string(refusal.hint),
            ]))
    }

    /// The time of day when it is today (UTC), else the full timestamp.
    static func since(_ milliseconds: Int64, now: Int64) -> String {
        let stamp = TimeFormat.timestamp(milliseconds)
        guard stamp.prefix(10) == TimeFormat.timestamp(now).prefix(10) else { return stamp }
        return String(stamp.dropFirst(11).prefix(5)) + " UTC"
    }
}

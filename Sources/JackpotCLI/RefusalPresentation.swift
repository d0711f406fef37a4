import JackpotStore
import JackpotTelemetry
import JackpotWire

/// How `status` words an operator that refuses win after win with one error
/// code: the code, the operator's words, since when, and where to look.
enum RefusalPresentation {
    /// `rejecting: error 5 Invalid hash since 14:02 UTC — check secret and hash settings (4 wins in a row)`
    static func line(_ refusal: OperatorRefusal, now: Int64) -> String {
        let description = refusal.description.map { " " + $0 } ?? ""
        return "rejecting: error \(refusal.code)\(description) since \(since(refusal.since, now: now))"
            + " — \(refusal.hint) (\(refusal.wins) wins in a row)"
    }

    static func json(_ refusal: OperatorRefusal?) -> JSONValue {
        guard let refusal, refusal.isReported else { return .null }
        return .object(JSONObject([
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

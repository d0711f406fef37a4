import JackpotStore
import JackpotTelemetry
import JackpotWire

extension WinPresentation {
    /// `show`'s "Ops actions:" section: every retry and cancel of the win, oldest
    /// first, so a retry never hides why the win had been cancelled.
    static func opsTrailText(_ actions: [OpsAction]) -> String {
        let text = "\nOps actions:\n"
        guard !actions.isEmpty else { return text + "  (none)\n" }
        var table = TextTable(["time", "action", "by", "reason", "detail"])
        for action in actions {
            table.add([
                TimeFormat.timestamp(action.at), action.kind.rawValue, action.actor, action.reason ?? "-", action.detail ?? "",
            ])
        }
        return text + table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    static func opsTrailJSON(_ actions: [OpsAction]) -> JSONValue {
        .array(
            actions.map { action in
                .object(
                    JSONObject([
                        "at": jsonTime(action.at), "action": .string(action.kind.rawValue), "by": .string(action.actor),
                        "reason": jsonText(action.reason), "detail": jsonText(action.detail),
                    ]))
            })
    }
}

import JackpotConfiguration
import JackpotStore
import JackpotWire

/// `GET /v1/wins/{reference}`: where one win is, for the platform to show
/// "paid" to the player. A token limited to some operators sees only their
/// wins; any other reference is 404, as if it did not exist.
enum WinStatus {
    static func answer(reference: String, token: IngestToken?, outbox: Outbox) -> IngestAnswer {
        let stored: StoredWin?
        do {
            stored = try outbox.win(reference: reference)
        } catch {
            return .unavailable("the outbox cannot be read: \(error)")
        }
        guard let win = stored, token?.allows(win.operatorName) ?? false else {
            return .error(404, "no win with reference \(JSONWriter.quoted(reference)) for this token")
        }
        func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
        func optional(_ number: Int64?) -> JSONValue { number.map { .number(String($0)) } ?? .null }
        return .json(
            200,
            JSONObject([
                "reference": .string(win.reference),
                "operator": .string(win.operatorName),
                "amount": .string(win.amount),
                "state": .string(win.state.rawValue),
                "attempts": .number(String(win.attempts)),
                "transactionId": optional(win.transactionId),
                "deliveredAt": optional(win.deliveredAt),
                "lastError": optional(win.lastError),
                "createdAt": .number(String(win.createdAt)),
            ]))
    }
}

import Foundation
import JackpotStore
import JackpotTelemetry
import JackpotWire
/// How a stored win is shown to people and scripts. The player token is always
/// masked; amounts and transaction ids are printed exactly as stored.
enum WinPresentation {
    static func maskedToken(_ token: String?) -> String? { token.map { _ in WireRequest.tokenMask } }

    /// An amount as a JSON number when it is valid decimal text, else as a string (bad SQL rows).
    static func jsonAmount(_ text: String) -> JSONValue {
        (try? DecimalAmount(validating: text)).map { .number($0.canonical) } ?? .string(text)
    }

    static func jsonTime(_ milliseconds: Int64?) -> JSONValue {
        TimeFormat.iso8601(milliseconds).map(JSONValue.string) ?? .null
    }

    static func jsonText(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// How a delivery was confirmed, when it was not the usual transactionId:
    /// ops reconciling with the operator must see that no new credit was made.
    static func deliveryNote(_ win: StoredWin, settlement: String? = nil) -> String? {
        if let settlement { return settlement }
        guard let code = win.alreadyCreditedCode else { return nil }
        let id = (win.transactionId ?? "").isEmpty ? "no transactionId given" : "transactionId \(win.transactionId!)"
        return "the operator reported it as already credited (error \(code)); \(id)"
    }

    /// The fields `list --json` and `export --format jsonl` print for a win.
    static func summaryJSON(_ win: StoredWin) -> JSONObject {
        JSONObject([
            "reference": .string(win.reference), "operator": .string(win.operatorName), "userId": .string(win.userId),
            "gameId": .string(win.gameId), "roundId": .string(win.roundId), "jackpotId": .string(win.jackpotId),
            "amount": jsonAmount(win.amount), "state": .string(win.state.rawValue),
            "attemptCount": .number(String(win.attempts)), "transactionId": jsonText(win.transactionId),
            "createdAt": jsonTime(win.createdAt), "deliveredAt": jsonTime(win.deliveredAt),
            "nextAttemptAt": win.state == .pending ? jsonTime(win.nextAttemptAt) : .null,
            "lastError": jsonText(win.lastError),
            "deliveryNote": jsonText(deliveryNote(win)),
            "finalizedAt": jsonTime(win.finalizedAt),
            "otherTransactionIds": win.otherTransactionIds.map { .array($0.split(separator: " ").map { .string(String($0)) }) }
                ?? .null,
        ])
    }

    /// The attempt-log detail of a settlement by `reconcile --apply`, if the win had one.
    static func settlement(_ attempts: [AttemptRecord]) -> String? {
        attempts.last { $0.daemon == Outbox.reconciliationDaemon }?.detail
    }

    static func json(_ win: StoredWin, attempts: [AttemptRecord], request: WireRequest?, requestProblem: String?) -> JSONObject {
        var object = summaryJSON(win)
        object["deliveryNote"] = jsonText(deliveryNote(win, settlement: settlement(attempts)))
        object["settledByReconciliation"] = .bool(settlement(attempts) != nil)
        object["timestamp"] = .string(win.timestamp)
        object["platform"] = jsonText(win.platform)
        object["token"] = jsonText(maskedToken(win.token))
        object["jackpotDetails"] = jsonText(win.jackpotDetails)
        object["extra"] = win.extra.flatMap { try? JSONValue.parse($0) } ?? jsonText(win.extra)
        object["alreadyCreditedCode"] = win.alreadyCreditedCode.map { .number(String($0)) } ?? .null
        object["currency"] = jsonText(win.currency)
        object["cash"] = jsonText(win.cash)
        object["bonus"] = jsonText(win.bonus)
        object["updatedAt"] = jsonTime(win.updatedAt)
        object["leaseOwner"] = jsonText(win.leaseOwner)
        object["leaseExpiresAt"] = jsonTime(win.leaseExpiresAt)
        object["cancelReason"] = jsonText(win.cancelReason)
        object["cancelledAt"] = jsonTime(win.cancelledAt)
        object["attempts"] = .array(
            attempts.map { attempt in
                .object(
                    JSONObject([
                        "attempt": .number(String(attempt.attempt)), "startedAt": jsonTime(attempt.startedAt),
                        "durationMs": .number(String(format: "%.1f", attempt.durationMs)),
                        "httpStatus": attempt.httpStatus.map { .number(String($0)) } ?? .null,
                        "errorCode": attempt.errorCode.map { .number(String($0)) } ?? .null,
                        "outcome": .string(attempt.outcome), "detail": .string(attempt.detail),
                        "responseHead": jsonText(attempt.responseHead), "daemon": .string(attempt.daemon),
                        "secret": jsonText(attempt.secret?.rawValue),
                    ]))
            })
        if let request {
            object["request"] = .object(
                JSONObject([
                    "method": .string(request.http.method), "url": .string(request.maskedURL),
                    "headers": .object(JSONObject(request.displayHeaders().map { ($0.name, JSONValue.string($0.value)) })),
                    "body": .string(request.displayBody()), "hash": .string(request.hash),
                    "hashedText": .string(request.displayHashedInput()),
                    "proxy": request.http.transport.proxy.map { .string(URLMasking.masked($0)) } ?? .null,
                    "clientCertificateFile": jsonText(request.http.transport.clientCertificateFile),
                    "caFile": jsonText(request.http.transport.caFile),
                ]))
        } else {
            object["request"] = .null
            object["requestProblem"] = jsonText(requestProblem)
        }
        return object
    }

    static func text(_ win: StoredWin, attempts: [AttemptRecord], request: WireRequest?, requestProblem: String?) -> String {
        var lines: [(String, String)] = [
            ("reference", win.reference), ("operator", win.operatorName), ("state", win.state.rawValue),
            ("amount", win.amount), ("userId", win.userId), ("gameId", win.gameId), ("roundId", win.roundId),
            ("jackpotId", win.jackpotId), ("timestamp", win.timestamp),
        ]
        if let platform = win.platform { lines.append(("platform", platform)) }
        if let token = maskedToken(win.token) { lines.append(("token", token)) }
        if let details = win.jackpotDetails { lines.append(("jackpotDetails", details)) }
        if let extra = win.extra { lines.append(("extra", extra)) }
        lines.append(("enqueued", TimeFormat.timestamp(win.createdAt)))
        lines.append(("attempts", String(win.attempts)))
        if win.state == .pending { lines.append(("next attempt", TimeFormat.timestamp(win.nextAttemptAt))) }
        if let owner = win.leaseOwner {
            lines.append(("leased to", "\(owner) until \(TimeFormat.timestamp(win.leaseExpiresAt))"))
        }
        if let error = win.lastError { lines.append(("last error", error)) }
        if let id = win.transactionId {
            lines.append(("transactionId", id.isEmpty ? "(none)" : id))
            lines.append(("delivered", TimeFormat.timestamp(win.deliveredAt)))
            if let note = deliveryNote(win, settlement: settlement(attempts)) { lines.append(("confirmed", note)) }
            let balances = [win.currency, win.cash.map { "cash \($0)" }, win.bonus.map { "bonus \($0)" }].compactMap { $0 }
            if !balances.isEmpty { lines.append(("balance", balances.joined(separator: ", "))) }
        }
        if let others = win.otherTransactionIds {
            lines.append(
                (
                    "WARNING",
                    "a repeat delivery reported other transactionId(s): \(others); kept the first (reconcile with the operator)"
                ))
        }
        if let reason = win.cancelReason { lines.append(("cancelled", "\(TimeFormat.timestamp(win.cancelledAt)): \(reason)")) }
        if let finalized = win.finalizedAt { lines.append(("finalized", TimeFormat.timestamp(finalized))) }
        let width = lines.map(\.0.count).max()! + 2
        var text =
            lines.map { ($0.0 + ":").padding(toLength: width, withPad: " ", startingAt: 0) + HumanText.escaped($0.1) }
            .joined(separator: "\n") + "\n"

        text += "\nAttempts:\n"
        if attempts.isEmpty {
            text += "  (none yet)\n"
        } else {
            var table = TextTable(["#", "time", "ms", "http", "error", "outcome", "detail"])
            for attempt in attempts {
                table.add([
                    String(attempt.attempt), TimeFormat.timestamp(attempt.startedAt), String(format: "%.0f", attempt.durationMs),
                    attempt.httpStatus.map(String.init) ?? "-", attempt.errorCode.map(String.init) ?? "-",
                    attempt.outcome, attempt.detail + (attempt.secret.map { " [\($0.rawValue) secret]" } ?? ""),
                ])
            }
            text += table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
            if let head = attempts.last?.responseHead, !head.isEmpty {
                text += "  last answer: \(HumanText.escaped(String(head.prefix(200))))\n"
            }
        }

        text += "\nRequest:\n"
        if let request {
            text += "  \(request.http.method) \(HumanText.escaped(request.maskedURL))\n"
            text += transportLines(request.http.transport)
            for header in request.displayHeaders() {
                text += "  \(HumanText.escaped(header.name)): \(HumanText.escaped(header.value))\n"
            }
            text += "\n  \(HumanText.escaped(request.displayBody()))\n\n"
            // The one line an operator's developer needs when their hash check disagrees.
            text += "  hashed: \(HumanText.escaped(request.displayHashedInput()))\n"
            text += "  hash = md5(\"\(HumanText.escaped(request.displayCanonicalString()))\" + secret) = \(request.hash)\n"
        } else {
            text += "  (\(HumanText.escaped(requestProblem ?? "unavailable")))\n"
        }
        return text
    }
}

import Foundation
import JackpotConfiguration
import JackpotWire

/// What `jackpotd probe` prints: the statement before any call, one line per
/// call, then what worked, the snippet and the findings (or `--json`).
struct ProbeReport {
    let operatorName: String
    let url: String
    let userId: String
    let config: OperatorConfig
    let maxCalls: Int
    let start: ProbeCandidate
    let calls: [ProbeSession.Call]
    let closest: ProbeSession.Call?
    let result: ProbeSession.Result

    /// Said before anything is sent: the most calls, the most they can credit.
    static func statement(operator name: String, url: String, userId: String, amount: DecimalAmount, maxCalls: Int) -> String {
        var text = """
            Probing \(name) at \(URLMasking.masked(url)) with player \(userId).
            At most \(maxCalls) JackPotWin call\(maxCalls == 1 ? "" : "s"), each crediting \(amount.canonical) under a new probe- reference:
            at most \(multiply(amount, by: maxCalls)) credited to player \(userId) in all.
            """
        if maxCalls > ProbeSession.checkCalls {
            text +=
                " A safe wallet is credited \(multiply(amount, by: 2)):\nthe first call that works and the check with a new reference."
        }
        return text + "\n\n"
    }

    /// `amount × count` as exact decimal text.
    static func multiply(_ amount: DecimalAmount, by count: Int) -> String {
        let scale = amount.fractionDigits.count
        var digits = (amount.integerDigits + amount.fractionDigits).compactMap(\.wholeNumberValue).reversed().map { $0 * count }
        var carry = 0
        for index in digits.indices {
            let value = digits[index] + carry
            digits[index] = value % 10
            carry = value / 10
        }
        while carry > 0 { digits.append(carry % 10); carry /= 10 }
        while digits.count <= scale { digits.append(0) }
        let text = digits.reversed().map(String.init).joined()
        let integer = String(text.dropLast(scale).drop { $0 == "0" })
        let fraction = String(text.suffix(scale))
        return (integer.isEmpty ? "0" : integer) + (scale == 0 ? "" : "." + fraction)
    }

    static func callLine(_ call: ProbeSession.Call) -> String {
        let number = String(call.number).leftPadded(to: 3)
        return "\(number)  \(call.purpose)\n       \(call.answerText)"
    }

    var candidate: ProbeCandidate? {
        if case .worked(let candidate, _) = result { return candidate }
        return nil
    }

    var checks: ProbeChecks? {
        if case .worked(_, let checks) = result { return checks }
        return nil
    }

    var snippet: JSONObject? {
        candidate.map { ProbeSnippet.members($0, operator: config, alreadyCreditedCode: checks?.alreadyCreditedCode) }
    }

    var findings: [ProbeFinding] {
        var findings: [ProbeFinding] = []
        switch result {
        case .worked(let candidate, let checks):
            findings = checks.findings
            for field in candidate.omitted.sorted() {
                findings.append(
                    ProbeFinding(
                        .warning, "refuses-\(field)",
                        "the wallet credits only without \(field): wins for \(operatorName) must not carry \(field)"))
            }
        case .deadEnd(let end):
            findings.append(ProbeFinding(.warning, end.code, end.message(userId: userId, url: url)))
        case .exhausted(let budgetSpent):
            let kept = min(ProbeSession.checkCalls, maxCalls - 1)
            let why =
                budgetSpent
                ? "within --max-calls \(maxCalls)" + (kept > 0 ? " (\(kept) of them kept for the checks)" : "")
                : "among the settings it could try"
            let last = closest.map { " The furthest it got: \($0.purpose) → \($0.answerText)." } ?? ""
            findings.append(ProbeFinding(.warning, "no-setting-worked", "no setting was credited \(why).\(last)"))
        }
        return findings.sorted { $0.severity < $1.severity }
    }

    /// Safe means checked: a wallet whose repeat or wrong-hash check the budget did not allow is not called safe.
    var safetyUnchecked: Bool { checks.map { $0.repeated == nil || $0.wrongHash == nil } ?? false }

    var exitCode: ExitCode {
        guard candidate != nil else { return .nothingWorked }
        return findings.contains { $0.severity == .critical } || safetyUnchecked ? .failure : .success
    }

    var verdict: String {
        switch exitCode {
        case .success: "a working dialect, and the wallet passed the checks"
        case .failure where safetyUnchecked && !findings.contains { $0.severity == .critical }:
            "a working dialect, but its safety was not checked (raise --max-calls)"
        case .failure: "a working dialect, but the wallet is NOT safe to go live"
        default: "no working dialect"
        }
    }

    var text: String {
        var text = "\n"
        if let candidate, let snippet {
            text += "Works: \(candidate.summary(relativeTo: start)).\n\n"
            let removed = ProbeSnippet.removedKeys(candidate, operator: config)
            if snippet.count == 0 && removed.isEmpty {
                text += "The operator's block needs no dialect settings.\n"
            } else {
                if snippet.count > 0 {
                    text += "Paste into the \"\(operatorName)\" block of the config (replacing these keys if present):\n\n"
                    text += ProbeSnippet.text(snippet).split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
                }
                if !removed.isEmpty {
                    text += "\nRemove from the \"\(operatorName)\" block: \(removed.joined(separator: ", "))\n"
                }
            }
            text += "\n"
        }
        text += "Findings:\n"
        for finding in findings {
            text += "  " + finding.severity.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) + finding.message + "\n"
        }
        text += "\nResult: \(verdict) (\(calls.count) call\(calls.count == 1 ? "" : "s") made).\n"
        return text
    }

    var json: JSONValue {
        let removed = candidate.map { ProbeSnippet.removedKeys($0, operator: config) } ?? []
        return .object(
            JSONObject([
                ("operator", .string(operatorName)),
                ("url", .string(URLMasking.masked(url))),
                ("userId", .string(userId)),
                ("maxCalls", .number(String(maxCalls))),
                ("calls", .array(calls.map(Self.json))),
                ("worked", .bool(candidate != nil)),
                ("settings", candidate.map { .string($0.summary(relativeTo: start)) } ?? .null),
                ("snippet", snippet.map(JSONValue.object) ?? .null),
                ("removeKeys", .array(removed.map(JSONValue.string))),
                (
                    "findings",
                    .array(
                        findings.map { finding in
                            .object(
                                JSONObject([
                                    ("severity", .string(finding.severity.rawValue)), ("code", .string(finding.code)),
                                    ("message", .string(finding.message)),
                                ]))
                        })
                ),
                ("exitCode", .number(String(exitCode.rawValue))),
            ]))
    }

    static func json(_ call: ProbeSession.Call) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("number", .number(String(call.number))), ("reference", .string(call.reference)), ("purpose", .string(call.purpose)),
        ]
        switch call.answer {
        case .credited(let credit):
            members += [
                ("credited", .bool(true)), ("status", .number(String(credit.status))),
                ("transactionId", .string(credit.confirmation.transactionId)),
            ]
        case .refused(let refusal):
            members += [
                ("credited", .bool(false)), ("status", refusal.status.map { .number(String($0)) } ?? .null),
                ("errorCode", refusal.errorCode.map { .number(String($0)) } ?? .null),
                ("description", refusal.description.map(JSONValue.string) ?? .null),
            ]
        }
        members.append(("answer", .string(call.answerText)))
        return .object(JSONObject(members))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

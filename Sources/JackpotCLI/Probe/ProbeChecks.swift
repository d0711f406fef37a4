import Foundation
import JackpotWire

/// Step 3: what the calls made with the settings that worked say about the
/// wallet's safety and its answers. Pure: the calls are made elsewhere.
package struct ProbeChecks: Sendable {
    /// The first credited call.
    package var first: ProbeCredit
    /// The same request again, byte for byte (nil: not made, the call budget ran out).
    package var repeated: ProbeAnswer?
    /// A new reference with the same settings.
    package var another: ProbeAnswer?
    /// A new reference signed with a wrong secret.
    package var wrongHash: ProbeAnswer?
    package var amount: DecimalAmount

    package init(
        first: ProbeCredit, repeated: ProbeAnswer? = nil, another: ProbeAnswer? = nil, wrongHash: ProbeAnswer? = nil,
        amount: DecimalAmount
    ) {
        self.first = first
        self.repeated = repeated
        self.another = another
        self.wrongHash = wrongHash
        self.amount = amount
    }

    /// Words that make an error code mean "this reference was credited before".
    static let alreadyWords = ["already", "duplicate", "exists", "processed", "repeated", "same reference"]

    /// The repeat's error code when its words say "already credited": it goes into the snippet.
    package var alreadyCreditedCode: Int? {
        guard case .refused(let refusal)? = repeated, let code = refusal.errorCode, code != 0,
            ProbeWords(refusal.words).has(any: Self.alreadyWords)
        else { return nil }
        return code
    }

    package var findings: [ProbeFinding] {
        var findings: [ProbeFinding] = []
        let firstId = first.confirmation.transactionId
        switch repeated {
        case nil:
            findings.append(
                ProbeFinding(
                    .warning, "repeat-not-checked",
                    "not checked whether a repeated reference is credited again: raise --max-calls"))
        case .credited(let again)?:
            if again.confirmation.transactionId != firstId {
                findings.append(
                    ProbeFinding(
                        .critical, "repeat-credited-again",
                        "credits a repeated reference again: the same call answered transactionId \(again.confirmation.transactionId) after \(firstId); every retry of a win would pay the player again"
                    ))
            } else if let before = first.confirmation.cash, let after = again.confirmation.cash,
                let grew = Self.difference(after, before), grew == amount.canonical
            {
                findings.append(
                    ProbeFinding(
                        .critical, "repeat-credited-again",
                        "credits a repeated reference again: same transactionId \(firstId), but the balance grew from \(before) to \(after); every retry of a win would pay the player again"
                    ))
            } else {
                findings.append(
                    ProbeFinding(
                        .ok, "repeat-not-credited",
                        "a repeated reference answers the same transactionId \(firstId) without a second credit"
                            + balanceNote(again)))
            }
        case .refused(let refusal)?:
            if let code = alreadyCreditedCode {
                findings.append(
                    ProbeFinding(
                        .info, "already-credited-code",
                        "a repeated reference is answered with error \(code) (\(OutcomeText.clipped(refusal.words, 80))): the snippet adds \"alreadyCreditedErrorCodes\": [\(code)], so such a win ends delivered"
                    ))
            } else {
                findings.append(
                    ProbeFinding(
                        .warning, "repeat-refused",
                        "a repeated reference is refused (\(refusal.summary)): if that means \"credited before\", add its code to alreadyCreditedErrorCodes; otherwise a win whose answer was lost is retried until its max age"
                    ))
            }
        }
        switch another {
        case nil:
            findings.append(
                ProbeFinding(
                    .warning, "second-win-not-checked",
                    "not checked whether a second reference gets its own transactionId: raise --max-calls"))
        case .credited(let second)?:
            if second.confirmation.transactionId == firstId {
                findings.append(
                    ProbeFinding(
                        .warning, "transaction-id-constant",
                        "answers the same transactionId \(firstId) for two references: it identifies no credit, so reconciling by transactionId is impossible"
                    ))
            }
        case .refused(let refusal)?:
            findings.append(
                ProbeFinding(
                    .warning, "second-win-refused",
                    "a second win with a new reference was refused (\(refusal.summary)) with the settings that worked once"))
        }
        switch wrongHash {
        case nil:
            findings.append(
                ProbeFinding(.warning, "wrong-hash-not-checked", "not checked whether a wrong hash is refused: raise --max-calls")
            )
        case .credited(let forged)?:
            findings.append(
                ProbeFinding(
                    .critical, "wrong-hash-accepted",
                    "accepts a wrong hash (credited, transactionId \(forged.confirmation.transactionId)): whoever knows the URL can credit any player"
                ))
        case .refused(let refusal)?:
            findings.append(ProbeFinding(.ok, "wrong-hash-refused", "refuses a wrong hash (\(refusal.summary))"))
        }
        let credits =
            [first]
            + [repeated, another, wrongHash].compactMap { answer -> ProbeCredit? in
                if case .credited(let credit)? = answer { credit } else { nil }
            }
        if let status = credits.map(\.status).first(where: { $0 != 200 }) {
            findings.append(ProbeFinding(.info, "success-status", "answers HTTP \(status) on success (jackpotd takes any 2xx)"))
        }
        if credits.contains(where: \.errorIsString) {
            findings.append(ProbeFinding(.info, "error-as-string", "sends \"error\" as a string (\"0\"); jackpotd reads it"))
        }
        if credits.contains(where: \.balancesAreStrings) {
            findings.append(
                ProbeFinding(.info, "balances-as-strings", "sends cash/bonus as strings; jackpotd keeps them as text"))
        }
        return findings
    }

    private func balanceNote(_ again: ProbeCredit) -> String {
        guard let before = first.confirmation.cash, let after = again.confirmation.cash else { return "" }
        return before == after ? " (balance \(after) unchanged)" : " (balance \(before) → \(after))"
    }

    /// `larger - smaller` in shortest form (`0.01`), when both are plain
    /// non-negative decimals and `larger` is not smaller; nil otherwise.
    static func difference(_ larger: String, _ smaller: String) -> String? {
        func parts(_ text: String) -> (String, String)? {
            let pieces = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard !pieces[0].isEmpty, pieces.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
                return nil
            }
            return (pieces[0], pieces.count == 2 ? pieces[1] : "")
        }
        guard let high = parts(larger), let low = parts(smaller) else { return nil }
        let scale = max(high.1.count, low.1.count)
        let width = max(high.0.count, low.0.count) + scale
        func digits(_ value: (String, String)) -> [Int] {
            let text = value.0 + value.1.padding(toLength: scale, withPad: "0", startingAt: 0)
            return Array(repeating: 0, count: width - text.count) + text.compactMap(\.wholeNumberValue)
        }
        let top = digits(high)
        let bottom = digits(low)
        guard !top.lexicographicallyPrecedes(bottom) else { return nil }
        var result = [Int](repeating: 0, count: width)
        var borrow = 0
        for index in stride(from: width - 1, through: 0, by: -1) {
            let digit = top[index] - bottom[index] - borrow
            borrow = digit < 0 ? 1 : 0
            result[index] = digit < 0 ? digit + 10 : digit
        }
        let text = result.map(String.init).joined()
        let integer = String(text.dropLast(scale).drop { $0 == "0" })
        let fraction = String(String(text.suffix(scale)).reversed().drop { $0 == "0" }.reversed())
        return (integer.isEmpty ? "0" : integer) + (fraction.isEmpty ? "" : "." + fraction)
    }
}

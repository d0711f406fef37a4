import Testing
import Foundation
import JackpotIngest
import JackpotStore
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct WinLineParserTests {
    static let good =
        #"{"operator":"casino-a","userId":"421","gameId":"g","roundId":"r","amount":55.50,"reference":"ref","jackpotId":"568"}"#

    @Test func aGoodLineKeepsTheAmountExactAndStampsNow() throws {
        let parsed = try WinLineParser.parse(Array(Self.good.utf8), now: 1_700_000_000_123)
        #expect(parsed.win.amount.canonical == "55.5")
        #expect(parsed.win.timestamp == "1700000000123")
        #expect(parsed.isTimestampGiven == false)
        #expect(parsed.win.platform == nil)
    }

    @Test func amountsAsStringsAndHugeExactValuesAreAccepted() throws {
        let line = Self.good.replacingOccurrences(of: "55.50", with: "\"123456789012345678.12345678\"")
        #expect(
            try WinLineParser.parse(Array(line.utf8), now: 1_700_000_000_123).win.amount.canonical
                == "123456789012345678.12345678")
    }

    @Test(arguments: [
        ("0", "amount"), ("-5", "amount"), ("1e3", "amount"), ("\"0x10\"", "amount"), ("\" 5\"", "amount"),
        ("\"5,00\"", "amount"), ("\"NaN\"", "amount"), ("\"Infinity\"", "amount"), ("1234567890123456789", "amount"),
        ("0.123456789", "amount"), ("true", "amount"), ("null", "amount"), ("\"\"", "amount"),
    ])
    func badAmountsAreRejectedWithTheField(amount: String, field: String) {
        let line = Self.good.replacingOccurrences(of: "55.50", with: amount)
        #expect(throws: WinValidationError.self) { try WinLineParser.parse(Array(line.utf8), now: 0) }
        do {
            _ = try WinLineParser.parse(Array(line.utf8), now: 0)
        } catch {
            #expect(error.field == field)
        }
    }

    @Test(arguments: ["operator", "userId", "gameId", "roundId", "reference", "jackpotId", "amount"])
    func missingRequiredFieldsAreNamed(field: String) throws {
        guard case .object(var object) = try JSONValue.parse(Self.good) else { Issue.record("fixture"); return }
        object[field] = nil
        #expect(throws: WinValidationError(field: field, reason: "is missing")) { try WinLineParser.parse(object, now: 0) }
    }

    @Test func oversizedAndControlCharacterFieldsAreRejected() throws {
        let long = String(repeating: "x", count: JackpotWin.Limits.identifier + 1)
        let oversized = Self.good.replacingOccurrences(of: "\"ref\"", with: "\"\(long)\"")
        #expect(throws: WinValidationError(field: "reference", reason: "is longer than 128 characters")) {
            try WinLineParser.parse(Array(oversized.utf8), now: 0)
        }
        let control = Self.good.replacingOccurrences(of: "\"421\"", with: "\"4\\u000121\"")
        #expect(throws: WinValidationError(field: "userId", reason: "contains a control character")) {
            try WinLineParser.parse(Array(control.utf8), now: 0)
        }
        let typo = Self.good.replacingOccurrences(of: "roundId", with: "roundid")
        #expect(throws: WinValidationError.self) { try WinLineParser.parse(Array(typo.utf8), now: 0) }
    }
}

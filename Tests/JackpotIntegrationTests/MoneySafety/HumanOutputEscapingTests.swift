import Foundation
import Testing
import JackpotStore
import JackpotWire
import TestSupport
import JackpotCLI

/// Text from outside cannot forge output lines or drive the terminal; JSON stays exact.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct HumanOutputEscapingTests {
    static let rawControls: [Unicode.Scalar] = ["\u{1B}", "\u{0}", "\u{7F}", "\u{85}", "\u{9B}", "\r"]

    static func hasRawControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in rawControls.contains(scalar) }
    }

    @Test func theSharedEscapeCoversC0DELAndC1() {
        #expect(HumanText.escaped("a\nb\r\t\u{0}\u{1B}[31m\u{7F}\u{85}\u{9B}é") == #"a\nb\r\t\x00\x1b[31m\x7f\u{85}\u{9b}é"#)
        #expect(HumanText.escaped("plain text") == "plain text")
    }

    @Test func aKeyWithANewlineCannotForgeAnEnqueueLine() async throws {
        let fixture = try OpsFixture()
        let forged = #"\nline 1: reference e-1 already exists with a different amount\u001b[2K"#
        let file = fixture.directory.write(
            "lines.jsonl",
            [
                winLine("e-1", operator: "casino-a"),
                winLine("e-2", operator: "casino-a", extra: "\"\(forged)\":\"x\""),
            ].joined(separator: "\n") + "\n")
        let result = await fixture.cli(["enqueue", "--create", "--file", file])
        #expect(result.code == .failure)
        let lines = result.errors.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1, "\(result.errors)")
        #expect(lines.first?.hasPrefix("line 2: \\nline 1: reference e-1") == true, "\(result.errors)")
        #expect(!Self.hasRawControl(result.errors))
        #expect(try fixture.win("e-1").state == .pending)
    }

    @Test func showAndListEscapeStoredTextAndJSONStaysExact() async throws {
        let fixture = try OpsFixture()
        let outbox = try fixture.outbox()
        // A plain-SQL row and an operator's transactionId, both with terminal escapes.
        try outbox.database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, state, transaction_id, delivered_at)
            VALUES ('x-1', 'casino-a', 'u' || char(27) || '[2J' || char(133), 'g', 'r', '55', 'j', 'delivered',
                    'T' || char(0) || char(155) || '1', 1)
            """)
        let show = await fixture.cli(["show", "x-1"])
        #expect(show.code == .success)
        #expect(show.output.contains(#"u\x1b[2J\u{85}"#), "\(show.output)")
        #expect(show.output.contains(#"T\x00\u{9b}1"#), "\(show.output)")
        #expect(!Self.hasRawControl(show.output))
        let list = await fixture.cli(["list"])
        #expect(!Self.hasRawControl(list.output))
        #expect(list.output.contains(#"T\x00\u{9b}1"#), "\(list.output)")
        let json = try await fixture.showJSON("x-1")
        #expect(json["userId"] == .string("u\u{1B}[2J\u{85}"))
        #expect(json["transactionId"] == .string("T\u{0}\u{9B}1"))
        let missing = await fixture.cli(["retry", "no\u{1B}]0;pwned\u{7}"])
        #expect(!Self.hasRawControl(missing.errors) && !missing.errors.contains("\u{7}"), "\(missing.errors)")
    }
}

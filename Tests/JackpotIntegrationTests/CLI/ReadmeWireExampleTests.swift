import Foundation
import Testing
import JackpotConfiguration
import JackpotWire

/// README's "What arrives" and "Verifying the hash" examples are what the
/// daemon sends for that win with secret `testKey`: the JSON body (README's
/// block without its indentation), the form body with two decimals, and the
/// worked example's canonical string and hash.
@Suite(.timeLimit(.minutes(2))) struct ReadmeWireExampleTests {
    static func exampleWin() throws -> JackpotWin {
        JackpotWin(
            operatorName: "casino-a", userId: "421", gameId: "Im_60_tumblefortune", roundId: "5103188801",
            amount: try DecimalAmount(validating: "55"), reference: "585c1306f89c56f5ecfc2f5d",
            timestamp: "1482429190374", jackpotId: "568")
    }

    static func request(_ encoding: BodyEncoding, amountDecimals: Int? = nil) throws -> WireRequest {
        var config = OperatorConfig(name: "casino-a", url: "https://wallet.example/V4/JackPotWin", secret: "testKey")
        config.encoding = encoding
        config.amountDecimals = amountDecimals
        return try WireRequest.build(win: exampleWin(), providerId: "luckymonaco", operator: config)
    }

    @Test func theExamplesAreWhatIsSent() throws {
        let readme = try ReadmeText()
        let arrives = try #require(readme.section("### What arrives"))
        let verifying = try #require(readme.section("### Verifying the hash"))

        let json = try #require(readme.jsonBlock(after: "Example (JSON, secret `testKey`)"))
        let compact = json.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .joined().replacingOccurrences(of: "\": ", with: "\":")
        #expect(try Self.request(.json).bodyText == compact)

        let form = try #require(Self.block(after: "form-encoded with two decimals", in: arrives))
        #expect(try Self.request(.form, amountDecimals: 2).bodyText == form)

        let worked = try #require(Self.block(after: "Worked example with secret `testKey`", in: verifying))
        let lines = worked.split(separator: "\n").map(String.init)
        let plain = try Self.request(.json)
        #expect(lines.first == plain.canonicalString)
        #expect(lines.last == "→ MD5 → \(plain.hash)")
    }

    /// The first fenced block after `marker`, without its fences.
    static func block(after marker: String, in text: String) -> String? {
        guard let at = text.range(of: marker), let open = text.range(of: "```\n", range: at.upperBound..<text.endIndex),
              let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}

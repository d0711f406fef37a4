import Foundation
import Testing
import JackpotConfiguration
import JackpotWire
import TestSupport

/// docs/operators.md's "What arrives" and "Verifying the hash" examples are what the
/// daemon sends for that win with secret `testKey`: the JSON body (the page's
/// block without its indentation), the form body with two decimals, and the
/// worked example's canonical string and hash.
@Suite(.timeLimit(.minutes(2))) struct DocsWireExampleTests {
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
        let docs = try DocsText(DocsText.operators)
        let arrives = try #require(docs.section("## What arrives"))
        let verifying = try #require(docs.section("## Verifying the hash"))

        let json = try #require(docs.jsonBlock(after: "Example (JSON, secret `testKey`)"))
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

    /// "Wallet dialects": every hashed string and hash the page shows, in order, is
    /// what the daemon hashes for the page's win under that setting. The settings
    /// are the page's inline config, as values; the strings and hashes are read from the page.
    @Test func theDialectExamplesAreWhatIsHashed() throws {
        let docs = try DocsText(DocsText.operators)
        let section = try #require(docs.section("## Wallet dialects"))
        let shown = Self.hashedLines(in: section)
        func win(
            reference: String = "585c1306f89c56f5ecfc2f5d", gameId: String = "Im_60_tumblefortune",
            platform: String? = "desktop", jackpotDetails: String? = nil, extra: [WireField] = []
        ) throws -> JackpotWin {
            JackpotWin(
                operatorName: "casino-a", userId: "421", gameId: gameId, roundId: "5103188801",
                amount: try DecimalAmount(validating: "1250.50"), reference: reference, timestamp: "1482429190374",
                jackpotId: "568", platform: platform, jackpotDetails: jackpotDetails, extra: extra)
        }
        func hashed(
            _ win: JackpotWin, url: String = "https://wallet.example/V4/JackPotWin",
            _ adapt: (inout OperatorConfig) -> Void = { _ in }
        ) throws -> String {
            var config = OperatorConfig(name: "casino-a", url: url, secret: "testKey")
            adapt(&config)
            let request = try WireRequest.build(win: win, providerId: "luckymonaco", operator: config)
            return request.canonicalString + "\n→ " + request.hash
        }
        let plain = try win()
        let expected = [
            try hashed(plain),
            try hashed(plain) {
                $0.dialect.hash.fields = [
                    "amount", "gameId", "jackpotId", "providerId", "reference", "roundId", "timestamp", "token", "userId",
                ]
                $0.dialect.hash.includeEmpty = true
            },
            try hashed(plain, url: "https://wallet.casino-b.example/pplay/jackpotWin?authToken=abc") {
                $0.dialect.hash.includeQuery = true
            },
            try hashed(try win(reference: "585c1306f89c56f5ecfc2f5e", gameId: "Im 60/tumble")),
            try hashed(try win(reference: "585c1306f89c56f5ecfc2f5e", gameId: "Im 60/tumble")) {
                $0.dialect.hash.encodeValues = true
            },
            try hashed(plain) { $0.dialect.fieldNames = ["userId": "userid", "roundId": "roundid"] },
            try hashed(plain) { $0.dialect.extraFields = [WireField("brand", "b7")] },
            try hashed(plain) { $0.dialect.providerId = "PragmaticPlay" },
            try hashed(plain) { $0.amountDecimals = 2 },
            try hashed(try win(reference: "585c1306f89c56f5ecfc2f5f", platform: nil)),
            try hashed(
                try win(
                    reference: "585c1306f89c56f5ecfc2f5f", platform: nil, jackpotDetails: #"{"progressive":200.25}"#,
                    extra: [WireField("sessionId", "s-77")])),
        ]
        #expect(shown == expected)
    }

    /// Each `STRING` line followed by its `→ HASH` line, in the section's fenced blocks.
    static func hashedLines(in section: String) -> [String] {
        let lines = section.split(separator: "\n").map(String.init)
        return zip(lines, lines.dropFirst()).compactMap { line, next in
            next.hasPrefix("→ ") && line.contains("=") ? line + "\n" + next : nil
        }
    }

    /// The first fenced block after `marker`, without its fences.
    static func block(after marker: String, in text: String) -> String? {
        guard let at = text.range(of: marker), let open = text.range(of: "```\n", range: at.upperBound..<text.endIndex),
            let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}

import Foundation
import Testing
import JackpotConfiguration
import JackpotWire
import OperatorSimulator

@Suite(.timeLimit(.minutes(2))) struct WireRequestTests {
    static func productWin(
        userId: String = "421", gameId: String = "Im_60_tumblefortune", amount: String = "55.0",
        platform: String? = nil, token: String? = nil
    ) throws -> JackpotWin {
        JackpotWin(
            operatorName: "casino-a", userId: userId, gameId: gameId, roundId: "5103188801",
            amount: try DecimalAmount(validating: amount), reference: "585c1306f89c56f5ecfc2f5d",
            timestamp: "1482429190374", jackpotId: "568", platform: platform, token: token
        )
    }

    static func casino(
        url: String = "https://wallet.casino-a.example/V4/JackPotWin", encoding: BodyEncoding = .json,
        amountDecimals: Int? = nil
    ) -> OperatorConfig {
        var config = OperatorConfig(name: "casino-a", url: url, secret: "testKey")
        config.encoding = encoding
        config.amountDecimals = amountDecimals
        return config
    }

    /// The hash an operator computes from what it received, per the rule in docs/operators.md.
    static func operatorSideHash(_ fields: [(key: String, value: String)], secret: String = "testKey") -> String {
        let text = fields.filter { $0.key != "hash" && !$0.value.isEmpty }
            .sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }
            .joined(separator: "&")
        return MD5.hex(text + secret)
    }

    static func members(ofJSONBody request: WireRequest) throws -> [(key: String, value: JSONValue)] {
        try #require(try JSONValue.parse(request.http.body).objectValue).members
    }

    @Test func productExample() throws {
        let request = try WireRequest.build(win: Self.productWin(), providerId: "luckymonaco", operator: Self.casino())
        #expect(request.hash == "a8c7e9491d0388489dea4443545f7ea0")
        #expect(
            request.canonicalString
                == "amount=55&gameId=Im_60_tumblefortune&jackpotId=568&providerId=luckymonaco&reference=585c1306f89c56f5ecfc2f5d&roundId=5103188801&timestamp=1482429190374&userId=421"
        )
        #expect(
            request.bodyText
                == #"{"hash":"a8c7e9491d0388489dea4443545f7ea0","userId":"421","gameId":"Im_60_tumblefortune","roundId":"5103188801","amount":55,"reference":"585c1306f89c56f5ecfc2f5d","providerId":"luckymonaco","timestamp":"1482429190374","jackpotId":"568"}"#
        )
        #expect(request.http.method == "POST")
        #expect(request.http.url == "https://wallet.casino-a.example/V4/JackPotWin")
        #expect(
            request.http.headers == [
                HTTPHeader("Content-Type", "application/json; charset=utf-8"),
                HTTPHeader("Accept", "application/json"),
                HTTPHeader("User-Agent", "jackpotd/1"),
            ])
        #expect(
            request.fields.map(\.key)
                == ["userId", "gameId", "roundId", "amount", "reference", "providerId", "timestamp", "jackpotId"])
    }

    @Test func optionalFieldsAreSentAndHashedWhenPresent() throws {
        let win = try Self.productWin(platform: "mobile", token: "tok-123")
        let request = try WireRequest.build(win: win, providerId: "luckymonaco", operator: Self.casino())
        let members = try Self.members(ofJSONBody: request)
        #expect(members.map(\.key).suffix(2) == ["platform", "token"])
        #expect(members.last?.value == .string("tok-123"))
        #expect(request.canonicalString.contains("&platform=mobile&providerId="))
        #expect(request.canonicalString.contains("&token=tok-123&userId=421"))
        let received =
            members.compactMap { member in member.value.stringValue.map { (key: member.key, value: $0) } }
            + [(key: "amount", value: "55")]
        #expect(request.hash == Self.operatorSideHash(received))
        #expect(request.hash != "a8c7e9491d0388489dea4443545f7ea0")
    }

    @Test func absentOrEmptyOptionalFieldsAreNeitherSentNorHashed() throws {
        let empty = try WireRequest.build(
            win: Self.productWin(platform: "", token: ""), providerId: "luckymonaco", operator: Self.casino())
        let absent = try WireRequest.build(win: Self.productWin(), providerId: "luckymonaco", operator: Self.casino())
        #expect(empty == absent)
        #expect(!absent.bodyText.contains("platform"))
        #expect(!absent.bodyText.contains("token"))
        #expect(absent.hash == "a8c7e9491d0388489dea4443545f7ea0")
    }

    @Test(arguments: [
        ("José & Co=1", "Im_60 \"quoted\" back\\slash"),
        ("a+b%20c", "中文😀/?#"),
        ("tab\there", "line\nbreak"),
    ])
    func specialCharactersInJSONBodies(userId: String, gameId: String) throws {
        let request = try WireRequest.build(
            win: Self.productWin(userId: userId, gameId: gameId), providerId: "luckymonaco", operator: Self.casino())
        let object = try #require(try JSONValue.parse(request.http.body).objectValue)
        #expect(object["userId"] == .string(userId))
        #expect(object["gameId"] == .string(gameId))
        #expect(object["hash"] == .string(request.hash))
        let received = object.members.map { member in
            (key: member.key, value: member.value.stringValue ?? JSONWriter.serialize(member.value))
        }
        #expect(request.hash == Self.operatorSideHash(received))
        #expect(request.canonicalString.contains("userId=\(userId)"))
    }

    @Test(arguments: [
        ("José & Co=1", "Im_60 \"quoted\" back\\slash"),
        ("a+b%20c", "中文😀/?#"),
        ("~safe-._", "tab\there"),
    ])
    func specialCharactersInFormBodies(userId: String, gameId: String) throws {
        let request = try WireRequest.build(
            win: Self.productWin(userId: userId, gameId: gameId, token: "t&k=n"), providerId: "luckymonaco",
            operator: Self.casino(encoding: .form))
        #expect(request.http.headers.first == HTTPHeader("Content-Type", "application/x-www-form-urlencoded"))
        let body = request.bodyText
        #expect(body.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "+") })
        let decoded = try #require(FormEncoding.decode(body))
        #expect(decoded.map(\.key) == ["hash"] + request.fields.map(\.key))
        #expect(decoded.first?.value == request.hash)
        #expect(Array(decoded.dropFirst()) == request.fields)
        #expect(decoded.first { $0.key == "userId" }?.value == userId)
        #expect(decoded.first { $0.key == "token" }?.value == "t&k=n")
        #expect(request.hash == Self.operatorSideHash(decoded.map { (key: $0.key, value: $0.value) }))
    }

    @Test func formBodyOfTheProductExample() throws {
        let request = try WireRequest.build(
            win: Self.productWin(userId: "José & Co"), providerId: "luckymonaco", operator: Self.casino(encoding: .form))
        #expect(
            request.bodyText
                == "hash=\(request.hash)&userId=Jos%C3%A9%20%26%20Co&gameId=Im_60_tumblefortune&roundId=5103188801&amount=55&reference=585c1306f89c56f5ecfc2f5d&providerId=luckymonaco&timestamp=1482429190374&jackpotId=568"
        )
        let json = try WireRequest.build(
            win: Self.productWin(userId: "José & Co"), providerId: "luckymonaco", operator: Self.casino())
        #expect(json.hash == request.hash)
    }

    @Test(arguments: [
        ("55.0", nil as Int?, "55"),
        ("0.05", nil, "0.05"),
        ("55.5", nil, "55.5"),
        ("55", 2, "55.00"),
        ("0.1", 2, "0.10"),
        ("12.5", 0 as Int?, nil as String?),
        ("0.005", 2, nil),
    ])
    func amountFormatting(amount: String, decimals: Int?, expected: String?) throws {
        let win = try Self.productWin(amount: amount)
        let config = Self.casino(amountDecimals: decimals)
        guard let expected else {
            #expect(throws: AmountError.self) { try WireRequest.build(win: win, providerId: "luckymonaco", operator: config) }
            return
        }
        let request = try WireRequest.build(win: win, providerId: "luckymonaco", operator: config)
        #expect(request.bodyText.contains(#","amount":\#(expected),"reference":"#))
        #expect(try JSONValue.parse(request.http.body).objectValue?["amount"] == .number(expected))
        #expect(request.canonicalString.hasPrefix("amount=\(expected)&"))
        #expect(request.fields.first { $0.key == "amount" }?.value == expected)
    }

    @Test func fixedDecimalsChangeTheHash() throws {
        let plain = try WireRequest.build(win: Self.productWin(), providerId: "luckymonaco", operator: Self.casino())
        let fixed = try WireRequest.build(
            win: Self.productWin(), providerId: "luckymonaco", operator: Self.casino(amountDecimals: 2))
        #expect(fixed.hash != plain.hash)
        #expect(fixed.hash == Self.operatorSideHash(fixed.fields.map { (key: $0.key, value: $0.value) }))
    }

    @Test(arguments: [BodyEncoding.json, .form])
    func sameWinBuildsIdenticalBytes(encoding: BodyEncoding) throws {
        let config = Self.casino(encoding: encoding)
        let first = try WireRequest.build(
            win: Self.productWin(platform: "desktop", token: "abc"), providerId: "luckymonaco", operator: config)
        let second = try WireRequest.build(
            win: Self.productWin(platform: "desktop", token: "abc"), providerId: "luckymonaco", operator: config)
        #expect(first.http.body == second.http.body)
        #expect(first == second)
    }

    @Test func urlQueryIsKeptForSendingAndMaskedForDisplay() throws {
        let url = "https://wallet.casino-a.example/V4/JackPotWin?authToken=s3cr3t&brand=7"
        let request = try WireRequest.build(win: Self.productWin(), providerId: "luckymonaco", operator: Self.casino(url: url))
        #expect(request.http.url == url)
        #expect(request.maskedURL == "https://wallet.casino-a.example/V4/JackPotWin?authToken=***&brand=***")
        #expect(request.hash == "a8c7e9491d0388489dea4443545f7ea0")
    }

    @Test(arguments: [BodyEncoding.json, .form])
    func displayBodyMasksTheToken(encoding: BodyEncoding) throws {
        let request = try WireRequest.build(
            win: Self.productWin(token: "PLAYER-TOKEN-9"), providerId: "luckymonaco", operator: Self.casino(encoding: encoding))
        let shown = request.displayBody()
        #expect(request.bodyText.contains("PLAYER-TOKEN-9"))
        #expect(!shown.contains("PLAYER-TOKEN-9"))
        #expect(shown.contains(request.hash))
        #expect(shown == request.bodyText.replacingOccurrences(of: "PLAYER-TOKEN-9", with: "***"))
        #expect(!request.displayCanonicalString().contains("PLAYER-TOKEN-9"))
        #expect(request.displayCanonicalString().contains("token=***"))
    }

    @Test func displayBodyWithoutTokenIsTheBody() throws {
        let request = try WireRequest.build(win: Self.productWin(), providerId: "luckymonaco", operator: Self.casino())
        #expect(request.displayBody() == request.bodyText)
        #expect(request.displayCanonicalString() == request.canonicalString)
    }
}

import Foundation
import Testing
import JackpotWire
import OperatorSimulator

/// Each wallet dialect setting on the hashed string and on the body, JSON and form.
@Suite(.timeLimit(.minutes(1))) struct WireDialectTests {
    static let productCanonical =
        "amount=55&gameId=Im_60_tumblefortune&jackpotId=568&providerId=luckymonaco&reference=585c1306f89c56f5ecfc2f5d&roundId=5103188801&timestamp=1482429190374&userId=421"

    static func win(
        reference: String = "585c1306f89c56f5ecfc2f5d", amount: String = "55", gameId: String = "Im_60_tumblefortune",
        platform: String? = nil, token: String? = nil, jackpotDetails: String? = nil, extra: [WireField] = []
    ) throws -> JackpotWin {
        JackpotWin(
            operatorName: "casino-b", userId: "421", gameId: gameId, roundId: "5103188801",
            amount: try DecimalAmount(validating: amount), reference: reference, timestamp: "1482429190374",
            jackpotId: "568", platform: platform, token: token, jackpotDetails: jackpotDetails, extra: extra)
    }

    static func build(
        _ win: JackpotWin, url: String = "https://wallet.casino-b.example/pplay/jackpotWin",
        encoding: BodyEncoding = .json, _ change: (inout WireDialect) -> Void = { _ in }
    ) throws -> WireRequest {
        var dialect = WireDialect()
        change(&dialect)
        return try WireRequest.build(
            win: win, providerId: "luckymonaco",
            settings: WireSettings(url: url, secret: "testKey", encoding: encoding, dialect: dialect))
    }

    static func formFields(_ request: WireRequest) throws -> [WireField] {
        try #require(FormEncoding.decode(request.bodyText))
    }

    @Test func withoutSettingsTheProductVectorStillHolds() throws {
        let request = try Self.build(try Self.win())
        #expect(request.canonicalString == Self.productCanonical)
        #expect(request.hash == "a8c7e9491d0388489dea4443545f7ea0")
        #expect(request.displayHashedInput() == Self.productCanonical + "<secret>")
    }

    @Test func fixedFieldListWithIncludeEmptyHashesAnAbsentTokenAndNeverThePlatform() throws {
        let fields = ["amount", "gameId", "jackpotId", "providerId", "reference", "roundId", "timestamp", "token", "userId"]
        for encoding in [BodyEncoding.json, .form] {
            let request = try Self.build(try Self.win(platform: "desktop"), encoding: encoding) {
                $0.hash = HashRules(fields: fields, includeEmpty: true)
            }
            #expect(request.canonicalString == Self.productCanonical.replacingOccurrences(of: "&userId", with: "&token=&userId"))
            #expect(request.hash == MD5.hex(request.canonicalString + "testKey"))
            // The platform is still sent, only not hashed; no empty token is sent.
            #expect(request.fields.map(\.key).contains("platform"))
            #expect(!request.fields.map(\.key).contains("token"))
        }
        // Without includeEmpty the absent token is left out of the listed fields.
        let plain = try Self.build(try Self.win(platform: "desktop")) { $0.hash = HashRules(fields: fields) }
        #expect(plain.canonicalString == Self.productCanonical)
    }

    @Test func queryParametersJoinTheHashedSetSortedAndMaskedWhenShown() throws {
        let url = "https://wallet.casino-b.example/pplay/jackpotWin?authToken=abc%2B1&site=b"
        let request = try Self.build(try Self.win(token: "player-tok"), url: url) { $0.hash.includeQuery = true }
        #expect(
            request.canonicalString
                == "amount=55&authToken=abc+1&gameId=Im_60_tumblefortune&jackpotId=568&providerId=luckymonaco&reference=585c1306f89c56f5ecfc2f5d&roundId=5103188801&site=b&timestamp=1482429190374&token=player-tok&userId=421"
        )
        #expect(
            request.displayHashedInput()
                == "amount=55&authToken=***&gameId=Im_60_tumblefortune&jackpotId=568&providerId=luckymonaco&reference=585c1306f89c56f5ecfc2f5d&roundId=5103188801&site=***&timestamp=1482429190374&token=***&userId=421<secret>"
        )
        // The body does not repeat the query.
        #expect(!request.bodyText.contains("authToken"))
        #expect(request.http.url == url)
    }

    @Test func encodeValuesPercentEncodesInsideTheHashOnly() throws {
        for encoding in [BodyEncoding.json, .form] {
            let request = try Self.build(try Self.win(gameId: "Im 60/tumble~fortune"), encoding: encoding) {
                $0.hash.encodeValues = true
            }
            #expect(request.canonicalString.hasPrefix("amount=55&gameId=Im%2060%2Ftumble~fortune&jackpotId=568&"))
            let sent =
                encoding == .form
                ? try Self.formFields(request).first { $0.key == "gameId" }?.value
                : try #require(try JSONValue.parse(request.http.body).objectValue)["gameId"]?.stringValue
            #expect(sent == "Im 60/tumble~fortune")
        }
    }

    @Test func renamedFieldsAreSentAndHashedUnderTheirWireNames() throws {
        let request = try Self.build(try Self.win(token: "t-1")) {
            $0.fieldNames = ["userId": "userid", "roundId": "roundid", "token": "sessionToken", "amount": "sum"]
        }
        #expect(
            request.canonicalString
                == "gameId=Im_60_tumblefortune&jackpotId=568&providerId=luckymonaco&reference=585c1306f89c56f5ecfc2f5d&roundid=5103188801&sessionToken=t-1&sum=55&timestamp=1482429190374&userid=421"
        )
        #expect(
            request.bodyText
                == #"{"hash":"\#(request.hash)","userid":"421","gameId":"Im_60_tumblefortune","roundid":"5103188801","sum":55,"reference":"585c1306f89c56f5ecfc2f5d","providerId":"luckymonaco","timestamp":"1482429190374","jackpotId":"568","sessionToken":"t-1"}"#
        )
        #expect(request.displayBody().contains(#""sessionToken":"***""#))
        #expect(request.displayHashedInput().contains("&sessionToken=***&"))
    }

    @Test func extraFieldsAndProviderIdAreSentAndHashed() throws {
        for encoding in [BodyEncoding.json, .form] {
            let request = try Self.build(try Self.win(), encoding: encoding) {
                $0.extraFields = [WireField("brand", "b7"), WireField("site", "casino b")]
                $0.providerId = "PragmaticPlay"
            }
            #expect(
                request.canonicalString
                    == "amount=55&brand=b7&gameId=Im_60_tumblefortune&jackpotId=568&providerId=PragmaticPlay&reference=585c1306f89c56f5ecfc2f5d&roundId=5103188801&site=casino b&timestamp=1482429190374&userId=421"
            )
            #expect(Array(request.fields.map(\.key).suffix(2)) == ["brand", "site"])
            if encoding == .form {
                #expect(request.bodyText.hasSuffix("&brand=b7&site=casino%20b"))
            } else {
                #expect(request.bodyText.hasSuffix(#","brand":"b7","site":"casino b"}"#))
            }
        }
    }

    @Test func jackpotDetailsAndExtraAreSentAsTextAndHashed() throws {
        let details = try WinExtras.jackpotDetailsText(
            try JSONValue.parse(#"{ "progressive": 200.25, "pool": {"b": 1.50, "a": 1e2} }"#))
        #expect(details == #"{"progressive":200.25,"pool":{"b":1.50,"a":1e2}}"#)
        let win = try Self.win(jackpotDetails: details, extra: [WireField("sessionId", "s-9")])
        let json = try Self.build(win)
        #expect(
            json.canonicalString
                == #"amount=55&gameId=Im_60_tumblefortune&jackpotDetails={"progressive":200.25,"pool":{"b":1.50,"a":1e2}}&jackpotId=568&providerId=luckymonaco&reference=585c1306f89c56f5ecfc2f5d&roundId=5103188801&sessionId=s-9&timestamp=1482429190374&userId=421"#
        )
        #expect(
            json.bodyText.hasSuffix(
                #","jackpotDetails":"{\"progressive\":200.25,\"pool\":{\"b\":1.50,\"a\":1e2}}","sessionId":"s-9"}"#))
        let form = try Self.build(win, encoding: .form)
        #expect(form.canonicalString == json.canonicalString)
        #expect(try Self.formFields(form).first { $0.key == "jackpotDetails" }?.value == details)
        // A string is sent as given.
        let text = try Self.build(try Self.win(jackpotDetails: "progressive:200.25"))
        #expect(text.canonicalString.contains("&jackpotDetails=progressive:200.25&"))
    }

    @Test func everyRetryOfADialectWinIsByteIdentical() throws {
        let win = try Self.win(token: "t", jackpotDetails: #"{"progressive":200.25}"#, extra: [WireField("sessionId", "s")])
        let change: (inout WireDialect) -> Void = {
            $0.hash = HashRules(
                fields: ["amount", "token", "userid", "sessionId"], includeEmpty: true, includeQuery: true, encodeValues: true)
            $0.fieldNames = ["userId": "userid"]
            $0.extraFields = [WireField("brand", "b7")]
        }
        let first = try Self.build(win, url: "https://w.example/j?authToken=abc", encoding: .form, change)
        let second = try Self.build(win, url: "https://w.example/j?authToken=abc", encoding: .form, change)
        #expect(first.http == second.http)
        #expect(first.canonicalString == "amount=55&authToken=abc&sessionId=s&token=t&userid=421")
    }

    @Test func requireTokenAndLimitsRefuseTheWinNamingTheSetting() throws {
        #expect(throws: WinValidationError(field: "token", reason: "is required by this operator (requireToken)")) {
            try Self.build(try Self.win()) { $0.requireToken = true }
        }
        let long = String(repeating: "r", count: 33)
        #expect(
            throws: WinValidationError(
                field: "reference", reason: "is longer than 32 characters (limits.referenceMaxLength of this operator)")
        ) {
            try Self.build(try Self.win(reference: long)) { $0.limits.referenceMaxLength = 32 }
        }
        #expect(
            throws: WinValidationError(
                field: "amount", reason: "has more than 2 decimal places (limits.amountMaxDecimals of this operator): 1.255")
        ) {
            try Self.build(try Self.win(amount: "1.255")) { $0.limits.amountMaxDecimals = 2 }
        }
        // Within the limits: sent.
        let fine = try Self.build(try Self.win(reference: String(repeating: "r", count: 32), amount: "1250.50")) {
            $0.limits = WinLimits(referenceMaxLength: 32, amountMaxDecimals: 2)
        }
        #expect(fine.canonicalString.hasPrefix("amount=1250.5&"))
        // An `extra` name that this operator already receives is refused rather than sent twice.
        #expect(throws: WinValidationError.self) {
            try Self.build(try Self.win(extra: [WireField("userid", "x")])) { $0.fieldNames = ["userId": "userid"] }
        }
    }

    @Test func winExtrasAreValidated() throws {
        #expect(throws: WinValidationError.self) { try WinExtras.jackpotDetailsText(.number("5")) }
        #expect(throws: WinValidationError.self) { try WinExtras.extra(try JSONValue.parse(#"{"a": 1}"#)) }
        for bad in [#"{"1a": "x"}"#, #"{"userId": "x"}"#, #"{"a-b": "x"}"#, #"{"hash": "x"}"#] {
            let extra = try WinExtras.extra(try JSONValue.parse(bad))
            #expect(throws: WinValidationError.self) { try Self.win(extra: extra).validate() }
        }
        let good = try WinExtras.extra(try JSONValue.parse(#"{"sessionId": "s", "Z_9": ""}"#))
        try Self.win(extra: good).validate()
        #expect(WinExtras.storedText(good) == #"{"sessionId":"s","Z_9":""}"#)
    }
}

/// "Already credited" answers: the player was paid before, the win ends delivered.
@Suite(.timeLimit(.minutes(1))) struct AlreadyCreditedOutcomeTests {
    static func answer(_ status: Int, _ body: String) -> HTTPExchangeResult {
        .success(HTTPResponseData(status: status, headers: [:], body: Array(body.utf8), bodyTruncated: false))
    }

    @Test func anAlreadyCreditedCodeIsADeliveryWithOrWithoutTransactionId() {
        let withoutId = AttemptOutcome.classify(
            Self.answer(200, #"{"error":61,"description":"Transaction already exists. No action required."}"#),
            noRetryErrorCodes: [120, 999], alreadyCreditedErrorCodes: [61], now: .now)
        #expect(withoutId == .delivered(Confirmation(transactionId: "", alreadyCreditedCode: 61)))
        #expect(withoutId.summary == "delivered: reported as already credited (error 61)")
        let withId = AttemptOutcome.classify(
            Self.answer(409, #"{"error":61,"transactionId":9007199254740993}"#),
            noRetryErrorCodes: [120, 999], alreadyCreditedErrorCodes: [61], now: .now)
        #expect(withId == .delivered(Confirmation(transactionId: "9007199254740993", alreadyCreditedCode: 61)))
        #expect(withId.summary == "delivered: reported as already credited (error 61), transactionId 9007199254740993")
        // Without the setting, 61 is an error like any other: retried.
        let plain = AttemptOutcome.classify(
            Self.answer(200, #"{"error":61}"#), noRetryErrorCodes: [120, 999], now: .now)
        #expect(plain == .retry(.errorCode(61, description: nil), retryAfterSeconds: nil))
    }
}

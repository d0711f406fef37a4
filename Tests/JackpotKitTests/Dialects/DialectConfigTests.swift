import Foundation
import Testing
import TestSupport
import JackpotConfiguration
import JackpotWire

/// The dialect keys of an operator: decoded as written, and every mistake
/// reported by key path (with did-you-mean where a near name exists).
@Suite(.timeLimit(.minutes(1))) struct DialectConfigTests {
    private let directory = TemporaryDirectory()
    static let base = #""url": "https://wallet.casino-b.example/pplay/jackpotWin?authToken=abc", "secretEnv": "S""#

    private func parse(_ body: String) throws(ConfigError) -> LoadedConfig {
        let json = #"{ "providerId": "luckymonaco", "operators": { "casino-b": { \#(Self.base), \#(body) } } }"#
        return try ConfigLoader.parse(
            Array(json.utf8), path: directory.path + "/config.json", baseDirectory: directory.path, environment: ["S": "k"])
    }

    private func problems(_ body: String) -> [String] {
        do {
            _ = try parse(body)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func theIssueExampleDecodes() throws {
        let loaded = try parse(
            """
            "encoding": "form",
            "hash": { "fields": ["amount", "gameId", "jackpotId", "providerId", "reference", "roundid", "timestamp", "token", "userid"],
                      "includeEmpty": true, "includeQuery": true, "encodeValues": false },
            "fieldNames": { "userId": "userid", "roundId": "roundid" },
            "extraFields": { "brand": "b7" },
            "providerId": "PragmaticPlay",
            "requireToken": true,
            "alreadyCreditedErrorCodes": [61],
            "limits": { "referenceMaxLength": 32, "amountMaxDecimals": 2 }
            """)
        let casino = try #require(loaded.config.operators["casino-b"])
        var expected = WireDialect()
        expected.hash = HashRules(
            fields: ["amount", "gameId", "jackpotId", "providerId", "reference", "roundid", "timestamp", "token", "userid"],
            includeEmpty: true, includeQuery: true)
        expected.fieldNames = ["userId": "userid", "roundId": "roundid"]
        expected.extraFields = [WireField("brand", "b7")]
        expected.providerId = "PragmaticPlay"
        expected.requireToken = true
        expected.limits = WinLimits(referenceMaxLength: 32, amountMaxDecimals: 2)
        #expect(casino.dialect == expected)
        #expect(casino.alreadyCreditedErrorCodes == [61])
        #expect(casino.wireSettings.dialect == expected)
    }

    @Test func withoutDialectKeysTheDialectIsTheContract() throws {
        let casino = try #require(try parse(#""encoding": "json""#).config.operators["casino-b"])
        #expect(casino.dialect == WireDialect())
        #expect(casino.alreadyCreditedErrorCodes.isEmpty)
    }

    static let mistakes: [(body: String, problem: String)] = [
        (#""hash": {"feilds": ["amount"]}"#, #"operators.casino-b.hash.feilds: unknown key; did you mean "fields"?"#),
        (
            #""hash": {"fields": ["amount", "userid"]}"#,
            #"operators.casino-b.hash.fields[1]: unknown field "userid"; did you mean "userId"?"#
        ),
        (
            #""hash": {"fields": ["userid", "userId"]}, "fieldNames": {"userId": "userid"}"#,
            #"operators.casino-b.hash.fields[1]: lists "userid" twice (as "userId", its name before fieldNames)"#
        ),
        (
            #""hash": {"fields": []}"#,
            "operators.casino-b.hash.fields: must be a non-empty array of the wire names hashed, got an array"
        ),
        (#""hash": {"fields": ["amount", "amount"]}"#, #"operators.casino-b.hash.fields[1]: lists "amount" twice"#),
        (#""hash": {"fields": [5]}"#, "operators.casino-b.hash.fields[0]: must be a field name (a string), got 5"),
        (#""hash": {"includeEmpty": "yes"}"#, #"operators.casino-b.hash.includeEmpty: must be true or false, got "yes""#),
        (#""hash": []"#, "operators.casino-b.hash: must be an object, got an array"),
        (#""fieldNames": {"userID": "userid"}"#, #"operators.casino-b.fieldNames.userID: unknown key; did you mean "userId"?"#),
        (
            #""fieldNames": {"userId": "user id"}"#,
            #"operators.casino-b.fieldNames.userId: must be a field name matching [A-Za-z][A-Za-z0-9_]{0,63}, got "user id""#
        ),
        (
            #""fieldNames": {"userId": "gameId"}"#,
            #"operators.casino-b.fieldNames.userId: sends gameId and userId both as "gameId""#
        ),
        (#""fieldNames": {"userId": 7}"#, "operators.casino-b.fieldNames.userId: must be a string, got 7"),
        (
            #""extraFields": {"userId": "x"}"#,
            "operators.casino-b.extraFields.userId: clashes with a standard field sent to this operator; rename it (or use fieldNames)"
        ),
        (
            #""extraFields": {"userid": "x"}, "fieldNames": {"userId": "userid"}"#,
            "operators.casino-b.extraFields.userid: clashes with a standard field sent to this operator; rename it (or use fieldNames)"
        ),
        (#""extraFields": {"brand": 7}"#, "operators.casino-b.extraFields.brand: must be a string, got 7"),
        (
            #""extraFields": {"9brand": "x"}"#,
            "operators.casino-b.extraFields.9brand: invalid field name: use [A-Za-z][A-Za-z0-9_]{0,63}"
        ),
        (#""providerId": """#, "operators.casino-b.providerId: must not be empty"),
        (#""requireToken": 1"#, "operators.casino-b.requireToken: must be true or false, got 1"),
        (
            #""alreadyCreditedErrorCodes": [61, "x"]"#,
            #"operators.casino-b.alreadyCreditedErrorCodes[1]: must be a whole-number error code, got "x""#
        ),
        (
            #""alreadyCreditedErrorCodes": [120]"#,
            "operators.casino-b.alreadyCreditedErrorCodes: 120 also in noRetryErrorCodes (the default is 120, 999); a code cannot mean both credited and refused"
        ),
        (
            #""limits": {"referenceMaxLenght": 32}"#,
            #"operators.casino-b.limits.referenceMaxLenght: unknown key; did you mean "referenceMaxLength"?"#
        ),
        (
            #""limits": {"referenceMaxLength": 0}"#,
            "operators.casino-b.limits.referenceMaxLength: must be a whole number from 1 to 128, got 0"
        ),
        (
            #""limits": {"amountMaxDecimals": 2}, "amountDecimals": 3"#,
            "operators.casino-b.limits.amountMaxDecimals: is 2 but amountDecimals sends 3 decimals; the wallet would refuse every win"
        ),
        (#""requireTokens": true"#, #"operators.casino-b.requireTokens: unknown key; did you mean "requireToken"?"#),
    ]

    @Test(arguments: mistakes.indices)
    func mistakesAreReportedByKeyPath(index: Int) {
        let mistake = Self.mistakes[index]
        let found = problems(mistake.body)
        #expect(found.contains(mistake.problem), "\(mistake.body) → \(found)")
    }

    @Test func aContractNameInHashFieldsMeansItsWireName() throws {
        let loaded = try parse(#""hash": {"fields": ["amount", "userId"]}, "fieldNames": {"userId": "userid"}"#)
        #expect(loaded.config.operators["casino-b"]?.dialect.hash.fields == ["amount", "userid"])
        #expect(
            loaded.warnings == [
                #"operators.casino-b.hash.fields[1]: "userId" is sent as "userid" (fieldNames), so "userid" is hashed"#
            ])
    }

    @Test func aPerWinExtraNameMayBeHashed() throws {
        let casino = try #require(try parse(#""hash": {"fields": ["amount", "sessionId"]}"#).config.operators["casino-b"])
        #expect(casino.dialect.hash.fields == ["amount", "sessionId"])
    }
}

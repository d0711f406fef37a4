import Foundation
import Testing
import JackpotConfiguration
import JackpotWire
import TestSupport

/// `rateLimit`, `headers`, `previousSecretFile`/`previousSecretEnv` with
/// `previousSecretUntil`, and `badHashErrorCode`: decoded, and refused with the
/// key path when wrong.
@Suite(.timeLimit(.minutes(2))) struct OperatorControlsConfigTests {
    private let directory = TemporaryDirectory()
    static let base = ConfigLoaderTests.baseOperator
    static let environment = ConfigLoaderTests.environment.merging(
        ["OLD_SECRET": "oldKey", "API_KEY": "k-123"], uniquingKeysWith: { $1 })

    private func parse(_ json: String, environment: [String: String] = environment) throws(ConfigError) -> LoadedConfig {
        try ConfigLoader.parse(
            Array(json.utf8), path: directory.path + "/config.json", baseDirectory: directory.path, environment: environment)
    }

    private func operatorConfig(body: String, top: String = "") throws -> OperatorConfig {
        try #require(try parse(ConfigLoaderTests.document(top: top, body: Self.base + ", " + body)).config.operators["casino-a"])
    }

    @Test func rateLimitPerOperatorAndGlobalDefault() throws {
        let own = try operatorConfig(body: #""rateLimit": {"requestsPerSecond": 20, "burst": 5}"#)
        #expect(own.rateLimit == RateLimit(requestsPerSecond: 20, burst: 5))
        let defaulted = try operatorConfig(body: #""concurrency": 2"#, top: #""rateLimit": {"requestsPerSecond": 0.5}"#)
        #expect(defaulted.rateLimit == RateLimit(requestsPerSecond: 0.5, burst: 1))
        let optedOut = try operatorConfig(body: #""rateLimit": null"#, top: #""rateLimit": {"requestsPerSecond": 7}"#)
        #expect(optedOut.rateLimit == nil)
        #expect(try operatorConfig(body: #""concurrency": 2"#).rateLimit == nil)
    }

    @Test func headersInlineFromAFileAndFromTheEnvironment() throws {
        let file = directory.write("secrets/gateway-token", "t0k3n\n")
        let config = try operatorConfig(
            body: """
                "headers": {"X-Tenant": "casino a", "X-Api-Key": {"valueEnv": "API_KEY"}, "Authorization": {"valueFile": "\(file)"}}
                """)
        #expect(
            config.headers == [
                StaticHeader("X-Tenant", "casino a"), StaticHeader("X-Api-Key", "k-123", isSecret: true),
                StaticHeader("Authorization", "t0k3n", isSecret: true),
            ])
        #expect(config.wireSettings.headers == config.headers)
    }

    @Test func previousSecretWithItsEndAndTheBadHashCode() throws {
        let config = try operatorConfig(
            body: #""previousSecretEnv": "OLD_SECRET", "previousSecretUntil": "2099-01-02T03:04Z", "badHashErrorCode": 110"#)
        #expect(config.previousSecret == PreviousSecret(secret: "oldKey", untilMs: 4_071_006_240_000))
        #expect(config.previousSecret?.active(at: 4_071_006_239_999) == "oldKey")
        #expect(config.previousSecret?.active(at: 4_071_006_240_000) == nil)
        #expect(config.badHashErrorCode == 110)
        #expect(try operatorConfig(body: #""concurrency": 2"#).badHashErrorCode == 5)
    }

    @Test func aPreviousSecretPastItsEndIsAWarningNotAnError() throws {
        let loaded = try parse(
            ConfigLoaderTests.document(
                body: Self.base + #", "previousSecretEnv": "OLD_SECRET", "previousSecretUntil": "2020-01-01""#))
        #expect(loaded.warnings.contains { $0.hasPrefix("operators.casino-a.previousSecretUntil: has passed") })
    }

    @Test func checkSummaryNamesTheControlsWithoutSecretValues() throws {
        let loaded = try parse(
            ConfigLoaderTests.document(
                body: Self.base + """
                    , "rateLimit": {"requestsPerSecond": 20, "burst": 5}, "headers": {"X-Api-Key": {"valueEnv": "API_KEY"}},
                    "previousSecretEnv": "OLD_SECRET", "previousSecretUntil": "2099-01-02T03:04Z"
                    """))
        let line = try #require(loaded.summary().first)
        #expect(line.contains("rate 20/s burst 5  headers X-Api-Key(secret)  previous secret until 2099-01-02T03:04:00Z"))
        #expect(!line.contains("k-123") && !line.contains("oldKey"))
    }

    static let badConfigs: [BadConfig] = [
        bad(
            "rate without requestsPerSecond", #""rateLimit": {"burst": 3}"#,
            "operators.casino-a.rateLimit.requestsPerSecond", "is required"),
        bad(
            "rate of zero", #""rateLimit": {"requestsPerSecond": 0}"#,
            "operators.casino-a.rateLimit.requestsPerSecond", "from 0.001 to 1000000, got 0"),
        bad(
            "burst of zero", #""rateLimit": {"requestsPerSecond": 5, "burst": 0}"#,
            "operators.casino-a.rateLimit.burst", "from 1 to 100000, got 0"),
        bad(
            "misspelt rate key", #""rateLimit": {"requestPerSecond": 5}"#,
            "operators.casino-a.rateLimit.requestPerSecond", #"did you mean "requestsPerSecond"?"#),
        BadConfig(
            name: "bad global rate", json: ConfigLoaderTests.document(top: #""rateLimit": {"requestsPerSecond": -1}"#),
            environment: environment, keyPath: "rateLimit.requestsPerSecond", mentions: "got -1"),
        bad(
            "header name with a space", #""headers": {"X Api": "v"}"#,
            #"operators.casino-a.headers["X Api"]"#, "RFC 7230 token"),
        bad(
            "Content-Type header", #""headers": {"content-type": "text/plain"}"#,
            "operators.casino-a.headers.content-type", "set by jackpotd or libcurl"),
        bad("Host header", #""headers": {"Host": "other.example"}"#, "operators.casino-a.headers.Host", "cannot be configured"),
        bad(
            "Content-Length header", #""headers": {"Content-Length": "1"}"#,
            "operators.casino-a.headers.Content-Length", "cannot be configured"),
        bad(
            "Transfer-Encoding header", #""headers": {"Transfer-Encoding": "chunked"}"#,
            "operators.casino-a.headers.Transfer-Encoding", "cannot be configured"),
        bad(
            "Expect header", #""headers": {"Expect": "100-continue"}"#, "operators.casino-a.headers.Expect",
            "cannot be configured"),
        bad(
            "header twice", #""headers": {"X-Key": "a", "x-key": "b"}"#,
            "operators.casino-a.headers.x-key", "configured twice"),
        bad(
            "header value with a line break", #""headers": {"X-Key": "a\r\nX-Evil: 1"}"#,
            "operators.casino-a.headers.X-Key", "without line breaks"),
        bad("empty header value", #""headers": {"X-Key": ""}"#, "operators.casino-a.headers.X-Key", "not empty"),
        bad("header value a number", #""headers": {"X-Key": 5}"#, "operators.casino-a.headers.X-Key", #"{"valueFile": PATH}"#),
        bad(
            "secret header from an unset variable", #""headers": {"X-Key": {"valueEnv": "NOT_SET"}}"#,
            "operators.casino-a.headers.X-Key.valueEnv", "NOT_SET is not set"),
        bad(
            "secret header with both sources", #""headers": {"X-Key": {"valueEnv": "API_KEY", "valueFile": "/x"}}"#,
            "operators.casino-a.headers.X-Key", "exactly one"),
        bad(
            "previous secret without an end", #""previousSecretEnv": "OLD_SECRET""#,
            "operators.casino-a.previousSecretUntil", "is required with previousSecretEnv"),
        bad(
            "end that is not a time", #""previousSecretEnv": "OLD_SECRET", "previousSecretUntil": "next friday""#,
            "operators.casino-a.previousSecretUntil", "must be a UTC time"),
        bad(
            "end without a previous secret", #""previousSecretUntil": "2099-01-01""#,
            "operators.casino-a.previousSecretUntil", "neither is set"),
        bad(
            "two previous secrets",
            #""previousSecretEnv": "OLD_SECRET", "previousSecretFile": "/x", "previousSecretUntil": "2099-01-01""#,
            "operators.casino-a", "exactly one previous secret source"),
        bad(
            "previous secret unset", #""previousSecretEnv": "GONE", "previousSecretUntil": "2099-01-01""#,
            "operators.casino-a.previousSecretEnv", "GONE is not set"),
        bad("bad-hash code 0", #""badHashErrorCode": 0"#, "operators.casino-a.badHashErrorCode", "must not be 0"),
        bad(
            "bad-hash code also already-credited", #""alreadyCreditedErrorCodes": [61], "badHashErrorCode": 61"#,
            "operators.casino-a.badHashErrorCode", "also in alreadyCreditedErrorCodes"),
    ]

    private static func bad(_ name: String, _ body: String, _ keyPath: String, _ mentions: String) -> BadConfig {
        BadConfig(
            name: name, json: ConfigLoaderTests.document(body: base + ", " + body), environment: environment, keyPath: keyPath,
            mentions: mentions)
    }

    @Test(arguments: badConfigs)
    func badControlIsRefusedNamingItsKey(_ bad: BadConfig) {
        do {
            let loaded = try parse(bad.json, environment: bad.environment)
            Issue.record("config was accepted: \(loaded.config)")
        } catch {
            #expect(error.problems.count == 1, "\(error.problems)")
            #expect(error.problems.first?.keyPath == bad.keyPath, "\(error.problems)")
            #expect(error.problems.first?.message.contains(bad.mentions) == true, "\(error.problems)")
        }
    }

    /// A secret header's value never appears in a message, even when it is refused.
    @Test func aRefusedSecretHeaderValueIsNotShown() {
        do {
            _ = try parse(
                ConfigLoaderTests.document(body: Self.base + #", "headers": {"X-Key": {"valueEnv": "BAD"}}"#),
                environment: Self.environment.merging(["BAD": "s3cret\nX: 1"], uniquingKeysWith: { $1 }))
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains("s3cret"))
            #expect(error.problems.map(\.keyPath) == ["operators.casino-a.headers.X-Key"])
        }
    }
}

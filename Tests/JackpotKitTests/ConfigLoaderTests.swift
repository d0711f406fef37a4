import Foundation
import Testing
import JackpotConfiguration
import JackpotWire
import TestSupport

/// One config that must be refused, and where the refusal must point.
struct BadConfig: Sendable, CustomTestStringConvertible {
    var name: String
    var json: String
    var environment: [String: String] = ConfigLoaderTests.environment
    var keyPath: String
    var mentions: String

    var testDescription: String { name }
}

@Suite(.timeLimit(.minutes(2))) struct ConfigLoaderTests {
    private let directory = TemporaryDirectory()

    static let environment = ["CASINO_A_SECRET": "testKey"]
    static let url = "https://wallet.casino-a.example/V4/JackPotWin"
    static let baseOperator = #""url": "\#(url)", "secretEnv": "CASINO_A_SECRET""#

    /// A config with one operator `casino-a`; `top` and `body` are extra members.
    static func document(top: String = "", body: String = baseOperator) -> String {
        let extra = top.isEmpty ? "" : top + ", "
        return #"{ \#(extra)"providerId": "luckymonaco", "operators": { "casino-a": { \#(body) } } }"#
    }

    private func parse(_ json: String, environment: [String: String] = environment) throws(ConfigError) -> LoadedConfig {
        try ConfigLoader.parse(
            Array(json.utf8), path: directory.path + "/config.json", baseDirectory: directory.path,
            environment: environment)
    }

    /// The problems reported for a config that must be refused.
    private func problems(_ json: String, environment: [String: String] = environment) -> [ConfigProblem] {
        do {
            let loaded = try parse(json, environment: environment)
            Issue.record("config was accepted: \(loaded.config)")
            return []
        } catch {
            return error.problems
        }
    }

    // MARK: Valid configs

    @Test func fullConfigDecodesEveryKey() throws {
        directory.write("secrets/casino-a", "s3cr3t\n")
        let json = """
            {
              "database": "/var/lib/jackpotd/outbox.sqlite3",
              "providerId": "luckymonaco",
              "concurrency": 32,
              "shutdownGraceSeconds": 20,
              "busyTimeoutSeconds": 2.5,
              "operators": {
                "casino-a": {
                  "url": "https://wallet.casino-a.example/V4/JackPotWin?authToken=abc",
                  "secretFile": "\(directory.path)/secrets/casino-a",
                  "encoding": "form",
                  "timeoutSeconds": 7,
                  "concurrency": 8,
                  "retry": { "initialDelaySeconds": 3, "multiplier": 1.5, "maxDelaySeconds": 120, "jitter": 0,
                             "maxAgeHours": 24, "maxRetryAfterSeconds": 90 },
                  "circuit": { "failureThreshold": 3, "openSeconds": 10, "maxOpenSeconds": 60 },
                  "noRetryErrorCodes": [120, 5, 120],
                  "amountDecimals": 2,
                  "allowInsecureHTTP": false
                },
                "loopback.test_1": {
                  "url": "http://127.0.0.1:8080/win",
                  "secretEnv": "LOOPBACK_SECRET",
                  "allowInsecureHTTP": true
                }
              }
            }
            """
        let loaded = try parse(json, environment: ["LOOPBACK_SECRET": "loopKey"])
        let config = loaded.config
        #expect(loaded.warnings.isEmpty)
        #expect(config.database == "/var/lib/jackpotd/outbox.sqlite3")
        #expect(config.providerId == "luckymonaco")
        #expect(config.globalConcurrency == 32)
        #expect(config.shutdownGraceSeconds == 20)
        #expect(config.busyTimeoutSeconds == 2.5)
        #expect(config.busyTimeoutMilliseconds == 2500)
        #expect(Set(config.operators.keys) == ["casino-a", "loopback.test_1"])

        let a = try #require(config.operators["casino-a"])
        #expect(a.name == "casino-a")
        #expect(a.url == "https://wallet.casino-a.example/V4/JackPotWin?authToken=abc")
        #expect(a.secret == "s3cr3t")
        #expect(a.encoding == .form)
        #expect(a.timeoutSeconds == 7)
        #expect(a.concurrency == 8)
        #expect(a.retry.initialDelaySeconds == 3)
        #expect(a.retry.multiplier == 1.5)
        #expect(a.retry.maxDelaySeconds == 120)
        #expect(a.retry.jitter == 0)
        #expect(a.retry.maxAgeHours == 24)
        #expect(a.retry.maxRetryAfterSeconds == 90)
        #expect(a.circuit.failureThreshold == 3)
        #expect(a.circuit.openSeconds == 10)
        #expect(a.circuit.maxOpenSeconds == 60)
        #expect(a.noRetryErrorCodes == [120, 5])
        #expect(a.amountDecimals == 2)
        #expect(a.allowInsecureHTTP == false)

        let loopback = try #require(config.operators["loopback.test_1"])
        #expect(loopback.url == "http://127.0.0.1:8080/win")
        #expect(loopback.secret == "loopKey")
        #expect(loopback.allowInsecureHTTP)
    }

    @Test func defaultsApplyWhenKeysAreLeftOut() throws {
        let loaded = try parse(Self.document())
        #expect(loaded.config.database == nil)
        #expect(loaded.config.globalConcurrency == JackpotConfig.defaultGlobalConcurrency)
        #expect(loaded.config.shutdownGraceSeconds == JackpotConfig.defaultShutdownGraceSeconds)
        #expect(loaded.config.busyTimeoutSeconds == JackpotConfig.defaultBusyTimeoutSeconds)
        let a = try #require(loaded.config.operators["casino-a"])
        #expect(a.url == Self.url)
        #expect(a.secret == "testKey")
        #expect(a.encoding == .json)
        #expect(a.timeoutSeconds == 10)
        #expect(a.concurrency == 4)
        #expect(a.retry == RetrySettings())
        #expect(a.retry.initialDelaySeconds == 2 && a.retry.maxDelaySeconds == 600 && a.retry.jitter == 0.2)
        #expect(a.circuit == CircuitSettings())
        #expect(a.noRetryErrorCodes == [120, 999])
        #expect(a.amountDecimals == nil)
        #expect(a.allowInsecureHTTP == false)
    }

    @Test func fractionalDurationsAreAccepted() throws {
        let body =
            Self.baseOperator + """
                , "timeoutSeconds": 0.25,
                "retry": { "initialDelaySeconds": 0.2, "maxDelaySeconds": 0.5, "jitter": 0.05, "maxAgeHours": 0.5 },
                "circuit": { "openSeconds": 0.1, "maxOpenSeconds": 1.5 }
                """
        let loaded = try parse(Self.document(top: #""shutdownGraceSeconds": 0.5"#, body: body))
        let a = try #require(loaded.config.operators["casino-a"])
        #expect(a.timeoutSeconds == 0.25)
        #expect(a.retry.initialDelaySeconds == 0.2)
        #expect(a.retry.maxDelaySeconds == 0.5)
        #expect(a.retry.jitter == 0.05)
        #expect(a.retry.maxAgeHours == 0.5)
        #expect(a.circuit.openSeconds == 0.1)
        #expect(a.circuit.maxOpenSeconds == 1.5)
        #expect(loaded.config.shutdownGraceSeconds == 0.5)
    }

    @Test func httpIsAllowedOnlyWithAllowInsecureHTTP() throws {
        let body = #""url": "http://127.0.0.1:9000/win", "secretEnv": "CASINO_A_SECRET", "allowInsecureHTTP": true"#
        let loaded = try parse(Self.document(body: body))
        #expect(loaded.config.operators["casino-a"]?.url == "http://127.0.0.1:9000/win")
        #expect(loaded.config.operators["casino-a"]?.allowInsecureHTTP == true)
        #expect(loaded.warnings.isEmpty)

        let remote = #""url": "http://wallet.example/win", "secretEnv": "CASINO_A_SECRET", "allowInsecureHTTP": true"#
        let warned = try parse(Self.document(body: remote))
        #expect(warned.config.operators["casino-a"]?.url == "http://wallet.example/win")
        #expect(warned.warnings.count == 1)
        #expect(warned.warnings.first?.hasPrefix("operators.casino-a.url: plain http:// to wallet.example") == true)
    }

    // MARK: Secrets

    @Test func inlineSecretIsAcceptedWithAWarning() throws {
        let loaded = try parse(Self.document(body: #""url": "\#(Self.url)", "secret": "inlineKey""#))
        #expect(loaded.config.operators["casino-a"]?.secret == "inlineKey")
        #expect(
            loaded.warnings == [
                "operators.casino-a.secret: inline secret in the config file; prefer secretFile or secretEnv"
            ])
    }

    @Test func relativePathsResolveAgainstTheConfigDirectory() throws {
        directory.write("secrets/casino-a", "fileKey\r\n")
        let configPath = directory.write(
            "config.json",
            Self.document(
                top: #""database": "data/outbox.sqlite3""#,
                body: #""url": "\#(Self.url)", "secretFile": "secrets/casino-a""#))
        let loaded = try ConfigLoader.load(path: configPath, environment: [:])
        #expect(loaded.config.operators["casino-a"]?.secret == "fileKey")
        #expect(loaded.config.database == directory.path + "/data/outbox.sqlite3")
        #expect(loaded.sourcePath == configPath)
        #expect(loaded.warnings.isEmpty)
    }

    @Test func secretFileLosesOnlyOneTrailingNewline() throws {
        directory.write("key", "line\n\n")
        let loaded = try parse(Self.document(body: #""url": "\#(Self.url)", "secretFile": "key""#))
        #expect(loaded.config.operators["casino-a"]?.secret == "line\n")
    }

    @Test func secretFileReadableByOthersGivesAWarning() throws {
        let file = directory.write("key", "k", mode: 0o644)
        let loaded = try parse(Self.document(body: #""url": "\#(Self.url)", "secretFile": "key""#))
        #expect(loaded.config.operators["casino-a"]?.secret == "k")
        #expect(loaded.warnings.count == 1)
        #expect(
            loaded.warnings.first?.hasPrefix("operators.casino-a.secretFile: \(file) is readable by others (mode 0644)") == true)
        #expect(loaded.warnings.first?.contains("chmod 600") == false, "owner-only advice would lock the daemon's group out")
    }

    /// The installed layout (`root:jackpotd 0640`): the daemon reads through its group, and no command warns.
    @Test func secretFileReadableByItsGroupOnlyGivesNoWarning() throws {
        directory.write("key", "k", mode: 0o640)
        let loaded = try parse(Self.document(body: #""url": "\#(Self.url)", "secretFile": "key""#))
        #expect(loaded.config.operators["casino-a"]?.secret == "k")
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
    }

    @Test func missingOrEmptySecretFileNamesTheKey() {
        directory.write("empty", "\n")
        let missing = problems(Self.document(body: #""url": "\#(Self.url)", "secretFile": "nope""#))
        #expect(missing.map(\.keyPath) == ["operators.casino-a.secretFile"])
        #expect(missing.first?.message.contains(directory.path + "/nope") == true)
        #expect(missing.first?.message.contains("No such file") == true)

        let empty = problems(Self.document(body: #""url": "\#(Self.url)", "secretFile": "empty""#))
        #expect(empty.map(\.keyPath) == ["operators.casino-a.secretFile"])
        #expect(empty.first?.message.contains("is empty") == true)
    }

    @Test func secretValuesNeverAppearInProblems() {
        let found = problems(Self.document(body: #""url": "\#(Self.url)", "secret": 987654321"#))
        #expect(found.map(\.keyPath) == ["operators.casino-a.secret"])
        #expect(found.first?.message.contains("number") == true)
        #expect(found.first?.message.contains("987654321") == false)
    }

    // MARK: Refused configs

    static let badConfigs: [BadConfig] = [
        BadConfig(
            name: "unknown top-level key", json: document(top: #""databse": "x""#),
            keyPath: "databse", mentions: #"did you mean "database"?"#),
        BadConfig(
            name: "unknown key without a close match", json: document(top: #""colour": "red""#),
            keyPath: "colour", mentions: "known keys here are database, providerId"),
        BadConfig(
            name: "unknown operator key", json: document(body: baseOperator + #", "encodng": "json""#),
            keyPath: "operators.casino-a.encodng", mentions: #"did you mean "encoding"?"#),
        BadConfig(
            name: "unknown retry key", json: document(body: baseOperator + #", "retry": { "jiter": 0.1 }"#),
            keyPath: "operators.casino-a.retry.jiter", mentions: #"did you mean "jitter"?"#),
        BadConfig(
            name: "unknown circuit key", json: document(body: baseOperator + #", "circuit": { "maxOpen": 30 }"#),
            keyPath: "operators.casino-a.circuit.maxOpen", mentions: #"did you mean "maxOpenSeconds"?"#),
        BadConfig(
            name: "unit suffix left off", json: document(body: baseOperator + #", "timeout": 5"#),
            keyPath: "operators.casino-a.timeout", mentions: #"did you mean "timeoutSeconds"?"#),
        BadConfig(
            name: "string where a number belongs", json: document(body: baseOperator + #", "timeoutSeconds": "10""#),
            keyPath: "operators.casino-a.timeoutSeconds", mentions: #"must be a number of seconds > 0 and ≤ 300, got "10""#),
        BadConfig(
            name: "boolean where an integer belongs", json: document(top: #""concurrency": true"#),
            keyPath: "concurrency", mentions: "got true"),
        BadConfig(
            name: "operators as an array", json: #"{ "providerId": "p", "operators": [] }"#,
            keyPath: "operators", mentions: "must be an object, got an array"),
        BadConfig(
            name: "no operators", json: #"{ "providerId": "p", "operators": {} }"#,
            keyPath: "operators", mentions: "at least one operator"),
        BadConfig(
            name: "document not an object", json: "[1, 2]",
            keyPath: "", mentions: "must be a JSON object, got an array"),
        BadConfig(
            name: "missing providerId", json: #"{ "operators": { "casino-a": { \#(baseOperator) } } }"#,
            keyPath: "providerId", mentions: "is required"),
        BadConfig(
            name: "empty providerId", json: document(top: "").replacingOccurrences(of: "luckymonaco", with: ""),
            keyPath: "providerId", mentions: "must not be empty"),
        BadConfig(
            name: "providerId with a control character",
            json: document().replacingOccurrences(of: "luckymonaco", with: #"lucky\nmonaco"#),
            keyPath: "providerId", mentions: "control characters"),
        BadConfig(
            name: "missing url", json: document(body: #""secretEnv": "CASINO_A_SECRET""#),
            keyPath: "operators.casino-a.url", mentions: "is required"),
        BadConfig(
            name: "http without allowInsecureHTTP",
            json: document(body: #""url": "http://wallet.example/win", "secretEnv": "CASINO_A_SECRET""#),
            keyPath: "operators.casino-a.url", mentions: #"set "allowInsecureHTTP": true"#),
        BadConfig(
            name: "ftp scheme", json: document(body: #""url": "ftp://wallet.example/win", "secretEnv": "CASINO_A_SECRET""#),
            keyPath: "operators.casino-a.url", mentions: #"got scheme "ftp""#),
        BadConfig(
            name: "url without a host", json: document(body: #""url": "https:///win", "secretEnv": "CASINO_A_SECRET""#),
            keyPath: "operators.casino-a.url", mentions: "must name a host"),
        BadConfig(
            name: "relative url", json: document(body: #""url": "wallet/win", "secretEnv": "CASINO_A_SECRET""#),
            keyPath: "operators.casino-a.url", mentions: "absolute https:// URL"),
        BadConfig(
            name: "no secret", json: document(body: #""url": "\#(url)""#),
            keyPath: "operators.casino-a", mentions: "needs a secret"),
        BadConfig(
            name: "two secret sources", json: document(body: baseOperator + #", "secret": "inline""#),
            keyPath: "operators.casino-a", mentions: #""secretEnv" and "secret"; set exactly one"#),
        BadConfig(
            name: "secretEnv unset", json: document(), environment: [:],
            keyPath: "operators.casino-a.secretEnv", mentions: "CASINO_A_SECRET is not set"),
        BadConfig(
            name: "secretEnv empty", json: document(), environment: ["CASINO_A_SECRET": ""],
            keyPath: "operators.casino-a.secretEnv", mentions: "CASINO_A_SECRET is empty"),
        BadConfig(
            name: "empty inline secret", json: document(body: #""url": "\#(url)", "secret": """#),
            keyPath: "operators.casino-a.secret", mentions: "must not be empty"),
        BadConfig(
            name: "bad encoding", json: document(body: baseOperator + #", "encoding": "xml""#),
            keyPath: "operators.casino-a.encoding", mentions: #"must be "json" or "form", got "xml""#),
        BadConfig(
            name: "concurrency 0", json: document(body: baseOperator + #", "concurrency": 0"#),
            keyPath: "operators.casino-a.concurrency", mentions: "a whole number from 1 to 256, got 0"),
        BadConfig(
            name: "concurrency 4.5", json: document(body: baseOperator + #", "concurrency": 4.5"#),
            keyPath: "operators.casino-a.concurrency", mentions: "a whole number from 1 to 256, got 4.5"),
        BadConfig(
            name: "global concurrency too high", json: document(top: #""concurrency": 2000"#),
            keyPath: "concurrency", mentions: "from 1 to 1024, got 2000"),
        BadConfig(
            name: "timeout zero", json: document(body: baseOperator + #", "timeoutSeconds": 0"#),
            keyPath: "operators.casino-a.timeoutSeconds", mentions: "got 0"),
        BadConfig(
            name: "shutdown grace too long", json: document(top: #""shutdownGraceSeconds": 4000"#),
            keyPath: "shutdownGraceSeconds", mentions: "≤ 3600, got 4000"),
        BadConfig(
            name: "busy timeout zero", json: document(top: #""busyTimeoutSeconds": 0"#),
            keyPath: "busyTimeoutSeconds", mentions: "from 0.1 to 600, got 0"),
        BadConfig(
            name: "jitter 1.5", json: document(body: baseOperator + #", "retry": { "jitter": 1.5 }"#),
            keyPath: "operators.casino-a.retry.jitter", mentions: "a number from 0 to 1, got 1.5"),
        BadConfig(
            name: "multiplier below 1", json: document(body: baseOperator + #", "retry": { "multiplier": 0.5 }"#),
            keyPath: "operators.casino-a.retry.multiplier", mentions: "≥ 1, got 0.5"),
        BadConfig(
            name: "maxDelay below initialDelay",
            json: document(body: baseOperator + #", "retry": { "initialDelaySeconds": 10, "maxDelaySeconds": 5 }"#),
            keyPath: "operators.casino-a.retry.maxDelaySeconds",
            mentions: "must be a number of seconds ≥ initialDelaySeconds (10), got 5"),
        BadConfig(
            name: "initialDelay above the default maxDelay",
            json: document(body: baseOperator + #", "retry": { "initialDelaySeconds": 900 }"#),
            keyPath: "operators.casino-a.retry.initialDelaySeconds", mentions: "≤ maxDelaySeconds (600, the default)"),
        BadConfig(
            name: "maxOpen below open",
            json: document(body: baseOperator + #", "circuit": { "openSeconds": 30, "maxOpenSeconds": 10 }"#),
            keyPath: "operators.casino-a.circuit.maxOpenSeconds", mentions: "≥ openSeconds (30), got 10"),
        BadConfig(
            name: "failureThreshold 0", json: document(body: baseOperator + #", "circuit": { "failureThreshold": 0 }"#),
            keyPath: "operators.casino-a.circuit.failureThreshold", mentions: "a whole number ≥ 1, got 0"),
        BadConfig(
            name: "retry not an object", json: document(body: baseOperator + #", "retry": 5"#),
            keyPath: "operators.casino-a.retry", mentions: "must be an object, got 5"),
        BadConfig(
            name: "error code as a string", json: document(body: baseOperator + #", "noRetryErrorCodes": [120, "999"]"#),
            keyPath: "operators.casino-a.noRetryErrorCodes[1]", mentions: #"got "999""#),
        BadConfig(
            name: "amountDecimals 9", json: document(body: baseOperator + #", "amountDecimals": 9"#),
            keyPath: "operators.casino-a.amountDecimals", mentions: "from 0 to 8, got 9"),
        BadConfig(
            name: "allowInsecureHTTP as a string", json: document(body: baseOperator + #", "allowInsecureHTTP": "yes""#),
            keyPath: "operators.casino-a.allowInsecureHTTP", mentions: #"must be true or false, got "yes""#),
        BadConfig(
            name: "operator name with a space",
            json: #"{ "providerId": "p", "operators": { "casino a": { \#(baseOperator) } } }"#,
            keyPath: #"operators["casino a"]"#, mentions: "invalid operator name"),
        BadConfig(
            name: "operator name starting with a dash (reads as a CLI option)",
            json: #"{ "providerId": "p", "operators": { "-casino": { \#(baseOperator) } } }"#,
            keyPath: "operators.-casino", mentions: "not starting with -"),
        BadConfig(
            name: "operator name too long",
            json: #"{ "providerId": "p", "operators": { "\#(String(repeating: "x", count: 65))": { \#(baseOperator) } } }"#,
            keyPath: "operators.\(String(repeating: "x", count: 65))", mentions: "1 to 64 characters"),
    ]

    @Test(arguments: badConfigs)
    func badConfigIsRefusedNamingItsKey(_ bad: BadConfig) {
        let found = problems(bad.json, environment: bad.environment)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.keyPath == bad.keyPath)
        #expect(found.first?.message.contains(bad.mentions) == true, "\(found)")
    }

    @Test func urlInProblemsHasItsQueryMasked() {
        let found = problems(
            Self.document(
                body: #""url": "ftp://wallet.example/win?authToken=hunter2&x=1", "secretEnv": "CASINO_A_SECRET""#))
        #expect(found.map(\.keyPath) == ["operators.casino-a.url"])
        #expect(found.first?.message.contains("ftp://wallet.example/win?authToken=***&x=***") == true)
        #expect(found.first?.message.contains("hunter2") == false)
    }

    @Test func allProblemsAreReportedTogether() {
        let json = """
            {
              "providerId": "luckymonaco",
              "logLevel": "debug",
              "operators": {
                "casino-a": { "secretEnv": "CASINO_A_SECRET", "encoding": "xml", "retry": { "jitter": 1.5 } },
                "casino-b": { "url": "ftp://b.example/", "secretEnv": "CASINO_B_SECRET" }
              }
            }
            """
        let path = directory.path + "/config.json"
        do {
            _ = try ConfigLoader.parse(Array(json.utf8), path: path, baseDirectory: directory.path, environment: Self.environment)
            Issue.record("config was accepted")
        } catch {
            #expect(
                Set(error.problems.map(\.keyPath)) == [
                    "logLevel", "operators.casino-a.url", "operators.casino-a.encoding", "operators.casino-a.retry.jitter",
                    "operators.casino-b.url", "operators.casino-b.secretEnv",
                ])
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 6)
            #expect(lines.allSatisfy { $0.hasPrefix("\(path): ") })
            #expect(lines.contains { $0.hasPrefix("\(path): operators.casino-a.retry.jitter: must be") })
        }
    }

    @Test func invalidJSONIsOneProblemWithTheByteOffset() {
        let found = problems(#"{"providerId": }"#)
        #expect(found.count == 1)
        #expect(found.first?.keyPath == "")
        #expect(found.first?.message.hasPrefix("invalid JSON: ") == true)
        #expect(found.first?.message.hasSuffix("at byte 15") == true)
    }

    @Test func duplicateKeysAreInvalidJSON() {
        let found = problems(#"{"providerId": "a", "providerId": "b", "operators": {}}"#)
        #expect(found.count == 1)
        #expect(found.first?.message.contains(#"duplicate key "providerId""#) == true)
    }

    @Test func missingFileIsOneProblemNamingThePath() {
        let path = directory.path + "/absent.json"
        do {
            _ = try ConfigLoader.load(path: path, environment: [:])
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.path == path)
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.message.contains(path) == true)
            #expect(error.description.hasPrefix("\(path): "))
        }
    }

    // MARK: Summary

    @Test func summaryListsOperatorsWithMaskedQueries() throws {
        let json = """
            { "providerId": "luckymonaco", "operators": {
                "casino-a": { "url": "https://wallet.casino-a.example/V4/JackPotWin?authToken=s3cret",
                              "secretEnv": "CASINO_A_SECRET" },
                "b": { "url": "https://b.example/win", "secretEnv": "CASINO_A_SECRET", "encoding": "form",
                       "concurrency": 16, "timeoutSeconds": 2.5 }
            } }
            """
        let summary = try parse(json).summary()
        #expect(
            summary == [
                "b         form  https://b.example/win  concurrency 16  timeout 2.5s",
                "casino-a  json  https://wallet.casino-a.example/V4/JackPotWin?authToken=***  concurrency 4  timeout 10s",
            ])
    }
}

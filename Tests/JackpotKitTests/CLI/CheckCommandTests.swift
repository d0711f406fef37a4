import Foundation
import Testing
import JackpotCLI
import JackpotWire
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct CheckCommandTests {
    static let secret = "check-secret-5b2e"

    static func goodConfig(_ directory: TemporaryDirectory) -> String {
        writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: "http://127.0.0.1:8081/V4/JackPotWin?authToken=tok-77", secret: secret),
                TestOperator(
                    name: "casino-b", url: "http://127.0.0.1:8082/V4/JackPotWin", secret: secret, extra: "\"encoding\": \"form\""),
            ])
    }

    /// A config with two mistakes in one operator; both must be reported by key.
    static func badConfig(_ directory: TemporaryDirectory) -> String {
        writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: "http://127.0.0.1:8081/V4/JackPotWin", secret: secret,
                    extra: "\"timeoutSeconds\": \"fast\", \"retries\": 3")
            ])
    }

    @Test func goodConfigPrintsASummaryWithoutSecrets() async throws {
        let directory = TemporaryDirectory()
        let config = Self.goodConfig(directory)
        let result = await runCLI(["check", "--config", config])
        #expect(result.code == .success)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(config): ok, provider luckymonaco, 2 operators")
        try #require(lines.count == 3, "\(result.output)")
        #expect(lines[1].hasPrefix("  casino-a  json  http://127.0.0.1:8081/V4/JackPotWin?authToken=***"))
        #expect(lines[2].hasPrefix("  casino-b  form  http://127.0.0.1:8082/V4/JackPotWin"))
        #expect(!result.output.contains(Self.secret))
        #expect(!result.output.contains("tok-77"))
    }

    /// One final newline is what editors and `echo` add, and is dropped; a blank
    /// line or a trailing space would become part of the secret and every hash
    /// would be wrong, so check warns (without showing the secret).
    @Test(
        arguments: [
            ("check-secret\n", nil), ("check-secret", nil), ("check-secret\r\n", nil),
            ("check-secret\n\n", "ends in a blank line"), ("check-secret\r\n\r\n", "ends in a blank line"),
            ("check-secret \n", "ends in whitespace"), ("check-\nsecret\n", "holds more than one line"),
        ] as [(String, String?)])
    func aSecretFileEndingInABlankLineIsWarnedAbout(contents: String, warning: String?) async throws {
        let directory = TemporaryDirectory()
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: "http://127.0.0.1:8081/V4/JackPotWin", secret: contents)
            ])
        let result = await runCLI(["check", "--config", config])
        #expect(result.code == .success, "\(result.errors)")
        guard let warning else {
            #expect(result.errors.isEmpty, "\(result.errors)")
            return
        }
        let line = firstLine(result.errors)
        #expect(
            line.hasPrefix(
                "warning: operators.casino-a.secretFile: the secret file \(directory.path("secrets/casino-a")) \(warning)"),
            "\(result.errors)")
        #expect(!line.contains("check-secret") && !line.contains("check-"), "the warning must not show the secret")
    }

    @Test func configFromTheEnvironment() async {
        let directory = TemporaryDirectory()
        let config = Self.goodConfig(directory)
        let result = await runCLI(["check"], environment: ["JACKPOTD_CONFIG": config])
        #expect(result.code == .success)
        #expect(result.output.hasPrefix("\(config): ok"))
    }

    @Test func badConfigNamesEachKey() async {
        let directory = TemporaryDirectory()
        let config = Self.badConfig(directory)
        let result = await runCLI(["check", "--config", config])
        #expect(result.code == .usage)
        #expect(result.output.isEmpty)
        let lines = result.errors.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.contains { $0.hasPrefix("jackpotd check: error: \(config): operators.casino-a.timeoutSeconds: ") })
        #expect(lines.contains { $0.hasPrefix("jackpotd check: error: \(config): operators.casino-a.retries: ") })
    }

    @Test func insecureURLIsRefusedByKey() async {
        let directory = TemporaryDirectory()
        let config = directory.write(
            "config.json",
            """
            {"database": "outbox.sqlite3", "providerId": "luckymonaco",
             "operators": {"casino-a": {"url": "http://wallet.casino-a.example/V4/JackPotWin", "secretEnv": "CASINO_A_SECRET"}}}
            """)
        let result = await runCLI(["check", "--config", config], environment: ["CASINO_A_SECRET": Self.secret])
        #expect(result.code == .usage)
        #expect(firstLine(result.errors).hasPrefix("jackpotd check: error: \(config): operators.casino-a.url: "))
        #expect(!result.errors.contains(Self.secret))
    }

    @Test func jsonForAGoodConfig() async throws {
        let directory = TemporaryDirectory()
        let config = Self.goodConfig(directory)
        let result = await runCLI(["check", "--config", config, "--json"])
        #expect(result.code == .success)
        let object = try parseObject(result.output)
        #expect(object["ok"] == .bool(true))
        #expect(object["path"] == .string(config))
        #expect(object["operators"] == .array([.string("casino-a"), .string("casino-b")]))
        #expect(object["problems"] == .array([]))
        #expect(!result.output.contains(Self.secret))
    }

    @Test func jsonForABadConfigListsProblemsByKey() async throws {
        let directory = TemporaryDirectory()
        let config = Self.badConfig(directory)
        let result = await runCLI(["check", "--config", config, "--json"])
        #expect(result.code == .usage)
        let object = try parseObject(result.output)
        #expect(object["ok"] == .bool(false))
        let problems = (object["problems"]?.asArray ?? []).compactMap(\.objectValue)
        #expect(problems.count == 2)
        #expect(
            Set(problems.compactMap { $0["key"]?.stringValue })
                == ["operators.casino-a.timeoutSeconds", "operators.casino-a.retries"])
        #expect(problems.allSatisfy { !($0["message"]?.stringValue ?? "").isEmpty })
    }

    @Test func invalidJSONIsAUsageError() async {
        let directory = TemporaryDirectory()
        let config = directory.write("config.json", "{\"providerId\": \"luckymonaco\",")
        let result = await runCLI(["check", "--config", config])
        #expect(result.code == .usage)
        #expect(firstLine(result.errors).hasPrefix("jackpotd check: error: \(config): invalid JSON"))
    }
}

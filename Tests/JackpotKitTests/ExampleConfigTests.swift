import Foundation
import Testing
import JackpotCLI
import JackpotConfiguration
import JackpotWire
import TestSupport

/// Deploy/config.example.json is what ops start from: it must pass `jackpotd check`
/// as shipped, once its secret files exist.
@Suite(.timeLimit(.minutes(2))) struct ExampleConfigTests {
    static var exampleConfig: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Deploy/config.example.json").path
    }

    @Test func exampleConfigPassesCheckWithDummySecretFiles() async throws {
        let directory = TemporaryDirectory()
        let text = try String(contentsOfFile: Self.exampleConfig, encoding: .utf8)
        // Only the secrets and the state directory move into the scratch directory
        // (check looks for the database's directory); every other key is as shipped.
        let relocated = text.replacingOccurrences(of: "/etc/jackpotd/secrets/", with: directory.path("secrets/"))
            .replacingOccurrences(of: "/var/lib/jackpotd/", with: directory.path(""))
        #expect(relocated != text)
        #expect(try JSONValue.parse(text).objectValue?["database"]?.stringValue == "/var/lib/jackpotd/outbox.sqlite3")
        let config = directory.write("config.json", relocated)
        directory.write("secrets/casino-a", "dummy-secret-a")
        directory.write("secrets/casino-b", "dummy-secret-b")

        let result = await runCLI(["check", "--config", config])
        #expect(result.code == .success, "\(result.errors)")
        #expect(result.errors.isEmpty)
        #expect(result.output.contains("2 operators"))
        #expect(result.output.contains("casino-a"))
        #expect(result.output.contains("casino-b  form"))
        #expect(!result.output.contains("REPLACE_WITH_CASINO_B_TOKEN"))

        let loaded = try ConfigLoader.load(path: config, environment: [:])
        #expect(loaded.config.operators["casino-b"]?.encoding == .form)
        #expect(loaded.config.operators["casino-b"]?.amountDecimals == 2)
        #expect(loaded.config.database == directory.path("outbox.sqlite3"))
    }

    @Test func exampleConfigWithoutItsSecretsNamesTheMissingFiles() async {
        let result = await runCLI(["check", "--config", Self.exampleConfig])
        #expect(result.code == .usage)
        #expect(result.errors.contains("operators.casino-a.secretFile"))
        #expect(result.errors.contains("operators.casino-b.secretFile"))
    }
}

import Foundation
import Testing
import JackpotConfiguration
import TestSupport

/// docs/operations.md's configuration reference names every key the config
/// loader knows, at every level. The loader is asked for its keys the way a
/// user meets them: an unknown key at each level is refused with "known keys
/// here are …".
@Suite(.timeLimit(.minutes(2))) struct ConfigReferenceDocTests {
    static let unknown = "zzzzzzzzzzzzzzzz"

    /// The reference's example config passes the loader's checks (secrets and TLS files as on a
    /// server, in a scratch directory) and uses every key but `secret` and `allowInsecureHTTP`.
    @Test func theExampleConfigPassesCheckAndUsesEveryKey() throws {
        let operations = try DocsText(DocsText.operations)
        let example = try #require(operations.jsonBlock(after: "## Configuration reference"))
        let directory = TemporaryDirectory()
        let relocated = example.replacingOccurrences(of: "/etc/jackpotd/", with: directory.path("etc/"))
            .replacingOccurrences(of: "/var/lib/jackpotd/", with: directory.path("var/"))
        #expect(relocated != example)
        directory.write("etc/secrets/casino-a", "example-secret-a")
        directory.write("etc/secrets/casino-a-previous", "example-previous-secret-a")
        directory.write("etc/secrets/casino-a-api-key", "example-api-key-a")
        for file in ["casino-b.crt", "casino-b-ca.pem", "ingest.crt", "platform-ca.pem"] {
            directory.write("etc/tls/\(file)", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        }
        directory.write("etc/tls/casino-b.key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n")
        directory.write("etc/tls/ingest.key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n")
        directory.write("etc/ingest/platform.token", "4f0c1d5e9a7b3c2d8e6f1a0b9c8d7e6f\n")
        directory.write("etc/ingest/casino-b.token", "a1b2c3d4e5f60718293a4b5c6d7e8f90\n")
        let path = directory.write("config.json", relocated)
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(
                path: path,
                environment: [
                    "JACKPOTD_SECRET_CASINO_B": "example-secret-b",
                    "JACKPOTD_PREVIOUS_SECRET_CASINO_B": "example-previous-secret-b",
                    "JACKPOTD_GATEWAY_KEY_CASINO_B": "example-gateway-key-b",
                ])
        } catch {
            Issue.record("the example config does not pass: \(error.problems)")
            return
        }
        #expect(loaded.config.operators.count == 2)

        let used = try Self.keys(inJSON: example)
        let unused = try Self.knownKeys().filter { !used.contains($0) && !["secret", "allowInsecureHTTP"].contains($0) }
        #expect(unused.isEmpty, "keys the example does not show: \(unused)")
    }

    /// Every key of `json`, with its parent's name for the operator objects' members (`retry.jitter`),
    /// as the reference writes them.
    static func keys(inJSON json: String) throws -> Set<String> {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var keys = Set(root.keys)
        for (key, value) in root where key != "operators" {
            if let object = value as? [String: Any] { keys.formUnion(object.keys.map { "\(key).\($0)" }) }
        }
        for case let member as [String: Any] in (root["operators"] as? [String: Any] ?? [:]).values {
            for (key, value) in member {
                keys.insert(key)
                if let object = value as? [String: Any], !["fieldNames", "extraFields"].contains(key) {
                    keys.formUnion(object.keys.map { "\(key).\($0)" })
                }
            }
        }
        return keys
    }

    @Test func theReferenceNamesEveryKey() throws {
        let known = try Self.knownKeys()
        let operations = try DocsText(DocsText.operations)
        let section = try #require(operations.section("## Configuration reference"))
        let documented = Set(
            section.split(separator: "\n").filter { $0.hasPrefix("| `") }.flatMap { row -> [String] in
                let cell = row.split(separator: "|").first.map(String.init) ?? ""
                return cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map
                { String($0.element) }
            })
        // An object key (`retry`) is documented by its members' rows (`retry.jitter`).
        let missing = known.filter { key in !documented.contains(key) && !documented.contains { $0.hasPrefix(key + ".") } }
        #expect(missing.isEmpty, "keys the configuration reference does not name: \(missing)")
    }

    /// Every key the loader knows, as the reference writes them (`url`, `retry.jitter`, `tls.caFile`).
    static func knownKeys() throws -> [String] {
        let unknown = Self.unknown
        let config = """
            {"\(unknown)": 1, "providerId": "p", "transport": {"\(unknown)": 1}, "operators": {"casino-a": {
              "\(unknown)": 1, "url": "https://wallet.example/", "secret": "s",
              "retry": {"\(unknown)": 1}, "circuit": {"\(unknown)": 1}, "tls": {"\(unknown)": 1},
              "hash": {"\(unknown)": 1}, "limits": {"\(unknown)": 1}}}}
            """
        var problems: [ConfigProblem] = []
        do {
            _ = try ConfigLoader.parse(
                Array(config.utf8), path: "config.json", baseDirectory: "/", environment: [:], secrets: .skipped)
        } catch {
            problems = error.problems
        }
        // Key path of the unknown key's parent, as the reference writes it ("" top level, "" for an operator's own keys).
        let prefixes = [
            "": "", "transport.": "transport.", "operators.casino-a.": "", "operators.casino-a.retry.": "retry.",
            "operators.casino-a.circuit.": "circuit.",
            "operators.casino-a.tls.": "tls.", "operators.casino-a.hash.": "hash.", "operators.casino-a.limits.": "limits.",
        ]
        var known: [String] = []
        for (parent, written) in prefixes {
            let problem = try #require(
                problems.first { $0.keyPath == parent + Self.unknown }, "no problem for \(parent)\(Self.unknown): \(problems)")
            let list = try #require(problem.message.components(separatedBy: "known keys here are ").last)
            known += list.components(separatedBy: ", ").map { written + $0 }
        }
        try #require(known.count > 30, "\(known)")
        return known
    }
}

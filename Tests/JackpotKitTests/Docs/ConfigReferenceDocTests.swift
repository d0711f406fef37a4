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

    @Test func theReferenceNamesEveryKey() throws {
        let unknown = Self.unknown
        let config = """
            {"\(unknown)": 1, "providerId": "p", "operators": {"casino-a": {
              "\(unknown)": 1, "url": "https://wallet.example/", "secret": "s",
              "retry": {"\(unknown)": 1}, "circuit": {"\(unknown)": 1}, "tls": {"\(unknown)": 1},
              "hash": {"\(unknown)": 1}, "limits": {"\(unknown)": 1}}}}
            """
        var problems: [ConfigProblem] = []
        do {
            _ = try ConfigLoader.parse(Array(config.utf8), path: "config.json", baseDirectory: "/", environment: [:], secrets: .skipped)
        } catch {
            problems = error.problems
        }
        // Key path of the unknown key's parent, as the reference writes it ("" top level, "" for an operator's own keys).
        let prefixes = ["": "", "operators.casino-a.": "", "operators.casino-a.retry.": "retry.", "operators.casino-a.circuit.": "circuit.",
                        "operators.casino-a.tls.": "tls.", "operators.casino-a.hash.": "hash.", "operators.casino-a.limits.": "limits."]
        var known: [String] = []
        for (parent, written) in prefixes {
            let problem = try #require(problems.first { $0.keyPath == parent + Self.unknown }, "no problem for \(parent)\(Self.unknown): \(problems)")
            let list = try #require(problem.message.components(separatedBy: "known keys here are ").last)
            known += list.components(separatedBy: ", ").map { written + $0 }
        }
        try #require(known.count > 30, "\(known)")

        let operations = try DocsText(DocsText.operations)
        let section = try #require(operations.section("## Configuration reference"))
        let documented = Set(section.split(separator: "\n").filter { $0.hasPrefix("| `") }.flatMap { row -> [String] in
            let cell = row.split(separator: "|").first.map(String.init) ?? ""
            return cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        })
        // An object key (`retry`) is documented by its members' rows (`retry.jitter`).
        let missing = known.filter { key in !documented.contains(key) && !documented.contains { $0.hasPrefix(key + ".") } }
        #expect(missing.isEmpty, "keys the configuration reference does not name: \(missing)")
    }
}

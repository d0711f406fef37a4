import Foundation
import Testing
import TestSupport

/// docs/architecture.md's table of targets is Package.swift's: the same
/// targets, each with the same dependencies.
@Suite(.timeLimit(.minutes(2))) struct ArchitectureDocTests {
    @Test func theTargetTableIsPackageSwifts() throws {
        let manifest = try String(contentsOfFile: DocsText.path(of: "Package.swift"), encoding: .utf8)
        let declared = try Self.targets(inManifest: manifest)
        try #require(declared.count >= 10, "read only \(declared.keys.sorted()) from Package.swift")
        let architecture = try DocsText("docs/architecture.md")
        let section = try #require(architecture.section("## Targets and their dependencies"))
        #expect(Self.targets(inTable: section) == declared)
    }

    /// The shipped `jackpotd` links no simulator (scripted wallets, injected faults, the gzip bomb): no target
    /// it depends on, directly or not, is `OperatorSimulator`; `demo` runs its wallets in `jackpotd-demo-wallets`.
    /// (`make test` also looks for the module's symbols in the release binary.)
    @Test func theShippedBinaryLinksNoSimulator() throws {
        let manifest = try String(contentsOfFile: DocsText.path(of: "Package.swift"), encoding: .utf8)
        let declared = try Self.targets(inManifest: manifest)
        func closure(of target: String) -> Set<String> {
            var reached: Set<String> = []
            var pending = [target]
            while let next = pending.popLast() {
                for dependency in declared[next] ?? [] where reached.insert(dependency).inserted { pending.append(dependency) }
            }
            return reached
        }
        let shipped = closure(of: "jackpotd")
        try #require(shipped.contains("JackpotCLI") && shipped.contains("JackpotWire"), "\(shipped.sorted())")
        #expect(!shipped.contains("OperatorSimulator"), "\(shipped.sorted())")
        #expect(closure(of: "jackpotd-demo-wallets").contains("OperatorSimulator"))
    }

    /// Every source file and folder the page names (`JackpotWire/AttemptOutcome.swift`, `Outbox+Admin.swift`,
    /// `JackpotCLI/Commands/`) is in Sources/, so "where each rule lives" stays true when files move.
    @Test func everySourceFileNamedExists() throws {
        let architecture = try DocsText("docs/architecture.md")
        let root = DocsText.packageRoot + "/Sources"
        let all = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        let inlineCode = try Regex(#"`([^`\n]+)`"#)
        let named = architecture.text.matches(of: inlineCode).compactMap { $0.output[1].substring.map(String.init) }
            .filter {
                ($0.hasSuffix(".swift") || $0.hasSuffix("/")) && !$0.contains(" ") && $0 != "Package.swift"
                    && !$0.hasPrefix("Tests/")
            }
        try #require(named.count > 20, "found only \(named)")
        for name in named {
            // `Schema*.swift`: at least one file of that pattern.
            let parts = (name.hasSuffix("/") ? String(name.dropLast()) : name).split(separator: "*", maxSplits: 1).map(
                String.init)
            let found = all.contains { file in
                let matchesStart =
                    file == parts[0] || file.hasSuffix("/" + parts[0])
                    || (parts.count == 2 && (file.hasPrefix(parts[0]) || file.contains("/" + parts[0])))
                return matchesStart && (parts.count == 1 || file.hasSuffix(parts[1]))
            }
            #expect(found, "docs/architecture.md names \(name), which is not in Sources/")
        }
    }

    /// Each `.target(name: …, dependencies: [ … ])` (of any kind) of the manifest: name → dependencies.
    static func targets(inManifest manifest: String) throws -> [String: Set<String>] {
        let declaration = try Regex(#"\.(target|testTarget|executableTarget|systemLibrary)\("#)
        let quoted = try Regex(#""([^"]+)""#)
        var targets: [String: Set<String>] = [:]
        let starts = manifest.matches(of: declaration).map(\.range.lowerBound)
        for (index, start) in starts.enumerated() {
            let chunk = manifest[start..<(index + 1 < starts.count ? starts[index + 1] : manifest.endIndex)]
            guard let nameKey = chunk.range(of: "name:"), let name = chunk[nameKey.upperBound...].firstMatch(of: quoted) else {
                continue
            }
            var dependencies: Set<String> = []
            if let key = chunk.range(of: "dependencies:"), let close = chunk[key.upperBound...].firstIndex(of: "]") {
                dependencies = Set(
                    chunk[key.upperBound..<close].matches(of: quoted).map { String(chunk[$0.range].dropFirst().dropLast()) })
            }
            targets[String(chunk[name.range].dropFirst().dropLast())] = dependencies
        }
        return targets
    }

    /// The table's rows: `| \`target\` | kind | \`dependency\`, … |`.
    static func targets(inTable section: String) -> [String: Set<String>] {
        var targets: [String: Set<String>] = [:]
        for row in section.split(separator: "\n") where row.hasPrefix("| `") {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 4 else { continue }
            let names = { (cell: String) in
                cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map {
                    String($0.element)
                }
            }
            guard let name = names(cells[1]).first else { continue }
            targets[name] = Set(names(cells[3]))
        }
        return targets
    }
}

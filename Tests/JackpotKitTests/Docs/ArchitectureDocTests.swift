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

    /// Each `.target(name: …, dependencies: [ … ])` (of any kind) of the manifest: name → dependencies.
    static func targets(inManifest manifest: String) throws -> [String: Set<String>] {
        let declaration = try Regex(#"\.(target|testTarget|executableTarget|systemLibrary)\("#)
        let quoted = try Regex(#""([^"]+)""#)
        var targets: [String: Set<String>] = [:]
        let starts = manifest.matches(of: declaration).map(\.range.lowerBound)
        for (index, start) in starts.enumerated() {
            let chunk = manifest[start..<(index + 1 < starts.count ? starts[index + 1] : manifest.endIndex)]
            guard let nameKey = chunk.range(of: "name:"), let name = chunk[nameKey.upperBound...].firstMatch(of: quoted) else { continue }
            var dependencies: Set<String> = []
            if let key = chunk.range(of: "dependencies:"), let close = chunk[key.upperBound...].firstIndex(of: "]") {
                dependencies = Set(chunk[key.upperBound..<close].matches(of: quoted).map { String(chunk[$0.range].dropFirst().dropLast()) })
            }
            targets[String(chunk[name.range].dropFirst().dropLast())] = dependencies
        }
        return targets
    }

    /// The table's rows: `| \`target\` | kind | \`dependency\`, … |`.
    static func targets(inTable section: String) -> [String: Set<String>] {
        var targets: [String: Set<String>] = [:]
        for row in section.split(separator: "\n") where row.hasPrefix("| `") {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let names = { (cell: String) in cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) } }
            guard let name = names(cells[1]).first else { continue }
            targets[name] = Set(names(cells[3]))
        }
        return targets
    }
}

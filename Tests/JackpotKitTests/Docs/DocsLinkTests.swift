import Foundation
import Testing
import TestSupport

/// Every relative link in README.md, CHANGELOG.md and docs/ leads somewhere:
/// the file exists, and a `#fragment` names a heading of that page (as GitHub
/// turns headings into anchors).
@Suite(.timeLimit(.minutes(2))) struct DocsLinkTests {
    @Test func everyRelativeLinkResolves() throws {
        let link = try Regex(#"\]\(([^)\s]+)\)"#)
        var checked = 0
        var broken: [String] = []
        for page in DocsText.pages + ["CHANGELOG.md"] {
            let docs = try DocsText(page)
            for match in docs.text.matches(of: link) {
                let target = String(try #require(match.output[1].substring))
                if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("mailto:") { continue }
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let file = parts[0].isEmpty ? page : Self.resolve(parts[0], from: page)
                checked += 1
                guard FileManager.default.fileExists(atPath: DocsText.path(of: file)) else {
                    broken.append("\(page): \(target) (no file \(file))")
                    continue
                }
                if parts.count == 2, file.hasSuffix(".md") {
                    let anchors = try Self.anchors(of: DocsText(file))
                    if !anchors.contains(parts[1]) { broken.append("\(page): \(target) (no heading #\(parts[1]) in \(file))") }
                }
            }
        }
        #expect(checked > 50, "checked only \(checked) links")
        #expect(broken.isEmpty, "broken links:\n\(broken.joined(separator: "\n"))")
    }

    /// `relative` (as written in `page`) as a path from the package root.
    static func resolve(_ relative: String, from page: String) -> String {
        var components = page.split(separator: "/").dropLast().map(String.init)
        for component in relative.split(separator: "/").map(String.init) {
            if component == ".." { _ = components.popLast() } else if component != "." { components.append(component) }
        }
        return components.joined(separator: "/")
    }

    /// The anchors GitHub gives the page's headings: lower case, punctuation but `-` and `_` dropped, spaces as `-`.
    static func anchors(of docs: DocsText) -> Set<String> {
        var anchors: Set<String> = []
        var inFence = false
        for line in docs.lines {
            if line.hasPrefix("```") { inFence.toggle() }
            guard !inFence, line.hasPrefix("#") else { continue }
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
            anchors.insert(
                String(
                    title.compactMap { character -> Character? in
                        if character == " " { return "-" }
                        return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
                    }))
        }
        return anchors
    }
}

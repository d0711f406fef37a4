import Foundation
import Testing
import TestSupport

/// The repository explains itself: no page, comment or test refers to how its
/// work was organised (numbered sessions or issues) or to briefs that are not
/// in it. Scans README.md, CHANGELOG.md, docs/, Sources/, Tests/ and Deploy/.
@Suite(.timeLimit(.minutes(2))) struct SelfContainedTextTests {
    /// Written so that this file does not match itself.
    static let forbidden = #"(?i)(sessions? [0-9]|issues? #?[0-9]|PRODUCT\.md|ENGINEERING\.md|the s[e]eds?\b)"#

    @Test func noTextCitesWhatIsNotInTheRepository() throws {
        let expression = try Regex(Self.forbidden)
        let root = DocsText.packageRoot
        var scanned = 0
        var found: [String] = []
        for path in Self.files(under: ["README.md", "CHANGELOG.md", "docs", "Sources", "Tests", "Deploy"], root: root) {
            guard let text = try? String(contentsOfFile: root + "/" + path, encoding: .utf8) else { continue }
            scanned += 1
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains(expression) {
                found.append("\(path):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(scanned > 100, "scanned only \(scanned) files")
        #expect(found.isEmpty, "say the thing itself instead:\n\(found.joined(separator: "\n"))")
    }

    /// Regular files at or under `paths` (relative to `root`), relative paths.
    static func files(under paths: [String], root: String) -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory) else { continue }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let enumerator = manager.enumerator(atPath: root + "/" + path) else { continue }
            for case let relative as String in enumerator {
                var child: ObjCBool = false
                if manager.fileExists(atPath: root + "/" + path + "/" + relative, isDirectory: &child), !child.boolValue {
                    files.append(path + "/" + relative)
                }
            }
        }
        return files
    }
}

import Foundation
import Testing
import TestSupport

/// The runbook "Failover to a second host" as the drill reads it: the command
/// lines of the first ```sh block of that section, in order. Found in
/// docs/operations.md.
struct FailoverRunbook {
    static let heading = "Failover to a second host"
    static let candidates = ["docs/operations.md"]

    let path: String
    let commands: [String]

    init(sourceLocation: SourceLocation = #_sourceLocation) throws {
        var found: (String, [String])?
        for candidate in Self.candidates {
            let path = DocsText.packageRoot + "/" + candidate
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let commands = Self.commands(in: text)
            else { continue }
            found = (path, commands)
            break
        }
        let (path, commands) = try #require(
            found, "no \"\(Self.heading)\" section with a sh block in \(Self.candidates)", sourceLocation: sourceLocation)
        self.path = path
        self.commands = commands
    }

    /// The lines of the first ```sh block after the heading (any level), comments removed.
    static func commands(in text: String) -> [String]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let heading = lines.firstIndex(where: { $0.hasPrefix("#") && $0.hasSuffix(" " + Self.heading) }),
            let open = lines[heading...].firstIndex(of: "```sh"),
            let close = lines[(open + 1)...].firstIndex(of: "```")
        else { return nil }
        return lines[(open + 1)..<close].map(DocsText.withoutComment).filter { !$0.isEmpty }
    }
}

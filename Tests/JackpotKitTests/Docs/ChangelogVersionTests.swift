import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import TestSupport

/// `jackpotd --version` is the newest release in CHANGELOG.md, and
/// CHANGELOG.md keeps its form: an Unreleased section first, then releases,
/// newest first, each `## [X.Y.Z] - YYYY-MM-DD`.
@Suite(.timeLimit(.minutes(2))) struct ChangelogVersionTests {
    @Test func versionIsTheNewestReleaseInTheChangelog() async throws {
        let changelog = try String(contentsOfFile: DocsText.path(of: "CHANGELOG.md"), encoding: .utf8)
        let headings = changelog.split(separator: "\n").filter { $0.hasPrefix("## ") }.map(String.init)
        try #require(headings.first == "## [Unreleased]", "CHANGELOG.md starts with \(headings.first ?? "nothing")")
        let release = try Regex(#"^## \[([0-9]+\.[0-9]+\.[0-9]+)\] - [0-9]{4}-[0-9]{2}-[0-9]{2}$"#)
        let versions = try headings.dropFirst().map { heading in
            let match = try #require(try release.wholeMatch(in: heading), "not a release heading: \(heading)")
            return String(try #require(match.output[1].substring))
        }
        try #require(!versions.isEmpty)
        #expect(
            versions.first == ProductVersion.current,
            "jackpotd is \(ProductVersion.current), CHANGELOG's newest release \(versions.first ?? "")")
        #expect(versions == versions.sorted { $0.compare($1, options: .numeric) == .orderedDescending }, "releases newest first")

        let result = await runCLI(["--version"])
        #expect(result.code == .success)
        #expect(result.output.contains(ProductVersion.current), "jackpotd --version printed \(result.output)")
        #expect(
            changelog.contains("**\(Schema.currentVersion)**"),
            "CHANGELOG.md does not describe schema version \(Schema.currentVersion)")
    }
}

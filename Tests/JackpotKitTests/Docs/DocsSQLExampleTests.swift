import Foundation
import Testing
import JackpotStore
import TestSupport

/// The plain-SQL examples of the documentation (every ```sql block) run as
/// written against a fresh outbox, twice (the second time a no-op, as
/// `ON CONFLICT DO NOTHING` promises), and each leaves its win pending.
@Suite(.timeLimit(.minutes(2))) struct DocsSQLExampleTests {
    @Test func everySQLExampleRunsAsWritten() throws {
        var examples: [(page: String, sql: String)] = []
        for page in DocsText.pages {
            let docs = try DocsText(page)
            var block: [String]?
            for line in docs.lines {
                if line == "```sql" {
                    block = []
                } else if line.hasPrefix("```"), let lines = block {
                    examples.append((page, lines.joined(separator: "\n")))
                    block = nil
                } else if block != nil {
                    block?.append(line)
                }
            }
        }
        try #require(examples.count >= 2, "found \(examples.count) SQL examples")
        let reference = try Regex(#"VALUES \('([^']+)'"#)
        for example in examples {
            let directory = TemporaryDirectory()
            let outbox = try Outbox(path: directory.path("outbox.sqlite3"))
            try outbox.database.executeScript(example.sql)
            try outbox.database.executeScript(example.sql)
            let match = try #require(
                example.sql.firstMatch(of: reference), "\(example.page): an example inserts no win:\n\(example.sql)")
            let win = try #require(try outbox.win(reference: String(example.sql[match.output[1].range!])))
            #expect(win.state == .pending, "\(example.page): \(example.sql)")
            #expect(try outbox.database.queryScalar("SELECT count(*) FROM wins").integerValue == 1)
        }
    }
}

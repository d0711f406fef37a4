import Foundation
import Testing
import JackpotConfiguration
import JackpotStore
import TestSupport

/// `"checkpoints": "litestream"`: the config says so, and every connection
/// jackpotd opens with it leaves the write-ahead log to Litestream.
@Suite(.timeLimit(.minutes(2))) struct CheckpointOwnerTests {
    let directory = TemporaryDirectory()

    func parse(_ top: String) throws(ConfigError) -> JackpotConfig {
        let json =
            #"{ \#(top)"providerId": "luckymonaco", "operators": { "casino-a": { "url": "https://w.example/J", "secretEnv": "S" } } }"#
        return try ConfigLoader.parse(
            Array(json.utf8), path: directory.path("config.json"), baseDirectory: directory.path, environment: ["S": "k"]
        ).config
    }

    @Test func configNamesWhoCheckpoints() throws {
        #expect(try parse("").checkpoints == .sqlite)
        #expect(try parse(#""checkpoints": "litestream", "#).checkpoints == .litestream)
        #expect(try parse(#""checkpoints": "sqlite", "#).checkpoints == .sqlite)
        let error = try #require(throws: ConfigError.self) { try parse(#""checkpoints": "manual", "#) }
        #expect(error.problems.map(\.keyPath) == ["checkpoints"])
        #expect(error.problems.first?.message.contains("\"litestream\"") == true)
    }

    @Test func litestreamOutboxNeverCheckpointsOnItsOwn() throws {
        let path = directory.path("outbox.sqlite3")
        let replicated = try Outbox(path: path, checkpoints: .litestream)
        #expect(try replicated.database.queryScalar("PRAGMA wal_autocheckpoint").integerValue == 0)
        let plain = try Outbox(path: path)
        #expect(try plain.database.queryScalar("PRAGMA wal_autocheckpoint").integerValue == 1000)

        // About 2 400 pages of commits through that connection: SQLite alone would have
        // checkpointed at 1 000 and reused the log; here it keeps them all.
        try replicated.database.execute("CREATE TABLE filler (blob BLOB)")
        for _ in 0..<300 {
            try replicated.database.execute(
                "INSERT INTO filler SELECT randomblob(4000) FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8)"
            )
        }
        let walPages = try #require(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) / 4096
        #expect(walPages > 1500, "the write-ahead log was checkpointed (\(walPages) pages)")
    }
}

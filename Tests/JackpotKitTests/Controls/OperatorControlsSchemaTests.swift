import Testing
import JackpotStore
import TestSupport

/// The operator-controls migration: the attempt log's `secret` and the `operators` columns `status` reads.
@Suite(.timeLimit(.minutes(1))) struct OperatorControlsSchemaTests {
    static let earlierMigrations = Array(Schema.migrations.prefix { $0 != Schema.operatorControls })

    @Test func anOutboxOfTheEarlierVersionKeepsItsRowsAndGainsTheColumns() throws {
        #expect(Self.earlierMigrations.count < Schema.currentVersion)
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        do {
            let database = try Database(path: path)
            for migration in Self.earlierMigrations { try database.executeScript(migration) }
            try database.setUserVersion(Self.earlierMigrations.count)
            try database.execute(
                """
                INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id)
                VALUES ('old-1', 'casino-a', '421', 'g', 'r', '55', '568')
                """)
            try database.execute(
                "INSERT INTO attempts (win_id, attempt, started_at, duration_ms, outcome, detail, daemon) VALUES (1, 1, 5, 1.5, 'retry', 'timeout', 'd')"
            )
            try database.execute("INSERT INTO operators (name) VALUES ('casino-a')")
        }
        let outbox = try Outbox(path: path)
        #expect(try outbox.database.userVersion() == Schema.currentVersion)
        let attempt = try #require(try outbox.attempts(winId: 1).first)
        #expect(attempt.detail == "timeout" && attempt.secret == nil)
        let state = try #require(try outbox.operatorStates()["casino-a"])
        #expect(state.secretInUse == nil && state.rateLimitedSince == nil)

        try outbox.saveControls(operator: "casino-a", secretInUse: .previous, secretInUseSince: 7, rateLimitedSince: 9, now: 10)
        let saved = try #require(try outbox.operatorStates()["casino-a"])
        #expect(saved.secretInUse == .previous && saved.secretInUseSince == 7 && saved.rateLimitedSince == 9)
        // Only the two names are storable.
        #expect(throws: DatabaseError.self) {
            try outbox.database.execute("UPDATE operators SET secret_in_use = 'other'")
        }
    }
}

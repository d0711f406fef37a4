import Testing
import TestSupport
import JackpotStore

/// The probe-trail migration rebuilds the ops trail so it takes probe calls; the rows it had stay, ids and all.
@Suite(.timeLimit(.minutes(2))) struct ProbeTrailMigrationTests {
    @Test func theTrailKeepsItsRowsAndTakesProbeCalls() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let index = try #require(Schema.migrations.firstIndex(of: Schema.probeTrail))
        do {
            let database = try Database(path: path)
            try database.transaction {
                for migration in Schema.migrations[..<index] { try database.executeScript(migration) }
                try database.setUserVersion(index)
            }
            try database.execute(
                "INSERT INTO ops_actions (id, at, actor, action, reference, operator, reason) VALUES (7, 1000, 'ana', 'cancel', 'w-1', 'casino-a', 'void')"
            )
        }
        let outbox = try Outbox(path: path)
        #expect(try outbox.database.userVersion() == Schema.currentVersion)
        let kept = try #require(try outbox.opsActions(reference: "w-1").first)
        #expect(kept.kind == .cancel && kept.actor == "ana" && kept.reason == "void" && kept.at == 1000)

        let row = try outbox.recordProbeCall(
            OpsAction(
                at: 2000, actor: "ana", kind: .probe, reference: "probe-1", operatorName: "casino-c", reason: "probe call 1",
                detail: "sent"))
        #expect(row == 8)
        try outbox.recordProbeAnswer(id: row, detail: "refused: HTTP 405")
        #expect(try outbox.opsActions(reference: "probe-1").map(\.detail) == ["refused: HTTP 405"])
        #expect(try outbox.database.integrityCheck() == "ok")
    }
}

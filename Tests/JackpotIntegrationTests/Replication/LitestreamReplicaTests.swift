import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// `Deploy/litestream.yml` run by Litestream 0.5 beside a delivering daemon: the
/// replica follows the outbox, a restore taken while the daemon goes on is a
/// sound outbox holding every win up to the replica's sync point, `check
/// --replication` tells when Litestream can follow, and `restore` never loses
/// the live outbox's log while Litestream holds it.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct LitestreamReplicaTests {
    static let secret = "replica-secret"

    @Test func shippedConfigIsLitestreamFiveWithOneReplica() async throws {
        let directory = TemporaryDirectory()
        let shipped = try await Litestream.run(
            ["databases", "-json", "-config", Litestream.shippedConfigPath], logPath: directory.path("shipped.log"))
        #expect(shipped.status == 0, "\(shipped.log)")
        #expect(shipped.log.contains("\"path\": \"\(Litestream.shippedDatabase)\""), "\(shipped.log)")
        #expect(shipped.log.contains("\"replica\": \"s3\""), "\(shipped.log)")

        let file = directory.write(
            "litestream.yml",
            try Litestream.config(database: directory.path("outbox.sqlite3"), replica: directory.path("replica")))
        let rewritten = try await Litestream.run(["databases", "-json", "-config", file], logPath: directory.path("file.log"))
        #expect(rewritten.status == 0, "\(rewritten.log)")
        #expect(rewritten.log.contains("\"replica\": \"file\""), "\(rewritten.log)")

        // Litestream 0.5 ignores keys it does not know: the 0.3 line's several
        // replicas and per-replica retention would pass unnoticed and do nothing.
        let text = try String(contentsOfFile: Litestream.shippedConfigPath, encoding: .utf8)
        for oldKey in ["  replicas:", "      retention:", "      snapshot-interval:"] {
            #expect(
                !text.split(separator: "\n").contains { $0.hasPrefix(oldKey) },
                "Deploy/litestream.yml uses \(oldKey), a key of Litestream 0.3")
        }
    }

    @Test func restoreTakenWhileTheDaemonDeliversHoldsEveryWinUpToItsSyncPoint() async throws {
        let host = TemporaryDirectory()
        let storage = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        let database = host.path("outbox.sqlite3")
        let config = writeConfig(
            in: host,
            operators: [
                TestOperator(
                    name: "casino-a", url: wallet.url, secret: Self.secret, extra: fastDelivery(timeoutSeconds: 5, concurrency: 2)
                )
            ], extraTopLevel: #""checkpoints": "litestream", "shutdownGraceSeconds": 2"#)
        let litestreamConfig = host.write(
            "litestream.yml", try Litestream.config(database: database, replica: storage.path("outbox")))
        // Deliveries slowed a little, and from the 81st call on held until the
        // restore is done: the daemon is mid-delivery when it runs, however fast.
        let answers = Gate()
        defer { answers.open() }
        wallet.setFaultPlan { number in
            if number > 80 { answers.wait() }
            return .delayThenAnswer(seconds: 0.02)
        }

        let daemon = try DaemonProcess(["run", "--config", config], logPath: host.path("daemon.log"))
        defer { daemon.send(SIGKILL) }
        await daemon.waitForStart()
        let litestream = try Litestream.replicate(config: litestreamConfig, logPath: host.path("litestream.log"))
        defer { litestream.send(SIGKILL) }

        let first = winReferences("first", 60)
        #expect(
            await runCLI(["enqueue", "--config", config, "--file", host.write("first.jsonl", Self.lines(first))]).code == .success
        )
        #expect(await eventually(within: 60) { wallet.snapshot.requests >= 10 }, "\(daemon.log)")
        // The sync point: a change set shipped after `first` was committed holds all of it.
        let before = Litestream.replicaTransaction(storage.path("outbox"))
        let synced = await eventually(within: 60) { Litestream.replicaTransaction(storage.path("outbox")) > before }
        try #require(synced, "the replica did not move: \(litestream.log)")
        let followed = await Self.succeeds(within: 60, ["check", "--replication", "--config", config])
        #expect(followed.code == .success, "\(followed.output)")

        let second = winReferences("second", 60)
        #expect(
            await runCLI(["enqueue", "--config", config, "--file", host.write("second.jsonl", Self.lines(second))]).code
                == .success)
        let restored = host.path("restored.sqlite3")
        let restore = try await Litestream.run(
            ["restore", "-config", litestreamConfig, "-o", restored, database], logPath: host.path("restore.log"))
        try #require(restore.status == 0, "\(restore.log)")
        #expect(wallet.snapshot.credited < first.count + second.count, "the daemon had finished before the restore")
        answers.open()

        let copy = OutboxProbe(restored)
        #expect(try copy.integrityCheck() == "ok")
        let held = try copy.wins().map(\.reference)
        let sent = first + second
        #expect(Set(first).isSubset(of: Set(held)), "the replica lacks wins enqueued before its sync point")
        // Enqueues are transactions in order: a replica holds a prefix of them.
        #expect(
            Set(held) == Set(sent.prefix(held.count)), "the replica holds \(held.count) wins, not the first \(held.count) sent")
        let live = OutboxProbe(database)
        for win in try copy.wins() where win.state == .delivered {
            #expect(try live.win(win.reference)?.transactionId == win.transactionId, "\(win.reference)")
        }

        let sqliteConfig = writeConfig(
            in: storage, database: database,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: Self.secret)
            ])
        let fighting = await runCLI(["check", "--replication", "--config", sqliteConfig])
        #expect(fighting.code == .failure)
        #expect(fighting.output.contains("PROBLEM  \"checkpoints\" is \"sqlite\""), "\(fighting.output)")
        #expect(try await eventually(within: 60) { try live.allDelivered(sent) })
    }

    @Test func checkReplicationNamesWhatKeepsLitestreamFromFollowing() async throws {
        let host = TemporaryDirectory()
        let config = writeConfig(
            in: host,
            operators: [
                TestOperator(name: "casino-a", url: "http://127.0.0.1:9/V4/JackPotWin", secret: Self.secret)
            ], extraTopLevel: #""checkpoints": "litestream""#)
        let missing = await runCLI(["check", "--replication", "--config", config])
        #expect(missing.code == .failure)
        #expect(missing.output.contains("PROBLEM  no outbox at"), "\(missing.output)")

        try OutboxProbe(host.path("outbox.sqlite3")).enqueue(["r-1"], operator: "casino-a")
        let unreplicated = await runCLI(["check", "--replication", "--json", "--config", config])
        #expect(unreplicated.code == .failure)
        #expect(try parseObject(unreplicated.output)["ok"] == .bool(false))
        #expect(unreplicated.output.contains("Litestream has not replicated this outbox"), "\(unreplicated.output)")
        #expect(unreplicated.output.contains("journal_mode is wal"), "\(unreplicated.output)")

        // Litestream replicated it once, then stopped; the outbox changed a minute later.
        let storage = TemporaryDirectory()
        let litestreamConfig = host.write(
            "litestream.yml", try Litestream.config(database: host.path("outbox.sqlite3"), replica: storage.path("outbox")))
        let litestream = try Litestream.replicate(config: litestreamConfig, logPath: host.path("litestream.log"))
        defer { litestream.send(SIGKILL) }
        let following = await Self.succeeds(within: 60, ["check", "--replication", "--config", config])
        #expect(following.code == .success, "\(following.output)\n\(litestream.log)")
        litestream.send(SIGKILL)
        #expect(await litestream.waitForExit(within: 30) != nil)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: host.path("outbox.sqlite3-wal"))
        let stopped = await runCLI(["check", "--replication", "--config", config])
        #expect(stopped.code == .failure)
        #expect(stopped.output.contains("PROBLEM  Litestream is not following: the write-ahead log changed"), "\(stopped.output)")
    }

    @Test func restoreRefusesWhileLitestreamHoldsTheLiveOutbox() async throws {
        let host = TemporaryDirectory()
        let storage = TemporaryDirectory()
        let database = host.path("outbox.sqlite3")
        let live = OutboxProbe(database)
        try live.enqueue(winReferences("kept", 5), operator: "casino-a")
        #expect(await runCLI(["backup", "--db", database, host.path("backup.sqlite3")]).code == .success)
        try live.enqueue(winReferences("after-backup", 3), operator: "casino-a")

        let litestreamConfig = host.write(
            "litestream.yml", try Litestream.config(database: database, replica: storage.path("outbox")))
        let litestream = try Litestream.replicate(config: litestreamConfig, logPath: host.path("litestream.log"))
        defer { litestream.send(SIGKILL) }
        #expect(await eventually(within: 60) { Litestream.replicaTransaction(storage.path("outbox")) > 0 }, "\(litestream.log)")

        let refused = await runCLI(["restore", "--db", database, host.path("backup.sqlite3")])
        #expect(refused.code == .failure)
        #expect(refused.errors.contains("Litestream replicating it? stop it first"), "\(refused.errors)")
        #expect(try live.count() == 8, "the live outbox changed")

        litestream.send(SIGTERM)
        #expect(await litestream.waitForExit(within: 30) != nil)
        let restored = await runCLI(["restore", "--db", database, host.path("backup.sqlite3")])
        #expect(restored.code == .success, "\(restored.errors)")
        #expect(try live.count() == 5)
    }

    /// The warm standby of the runbook: `litestream restore -f` follows the
    /// replica; stopped, with its `-txid` file removed, its copy is the outbox
    /// up to the replica's last change set, and jackpotd opens it in WAL mode.
    @Test func followedCopyIsACompleteOutboxOnceTheFollowerStops() async throws {
        let primary = TemporaryDirectory()
        let standby = TemporaryDirectory()
        let storage = TemporaryDirectory()
        let live = OutboxProbe(primary.path("outbox.sqlite3"))
        try live.enqueue(winReferences("early", 20), operator: "casino-a")
        let replicator = try Litestream.replicate(
            config: primary.write("litestream.yml", try Litestream.config(database: live.path, replica: storage.path("outbox"))),
            logPath: primary.path("litestream.log"))
        defer { replicator.send(SIGKILL) }
        #expect(await eventually(within: 60) { Litestream.replicaTransaction(storage.path("outbox")) > 0 }, "\(replicator.log)")

        let copy = standby.path("outbox.sqlite3")
        let standbyConfig = standby.write(
            "litestream.yml", try Litestream.config(database: copy, replica: storage.path("outbox")))
        let follower = try DaemonProcess(
            ["restore", "-f", "-config", standbyConfig, copy], logPath: standby.path("follow.log"),
            executable: Litestream.binary(), outputToLog: true)
        defer { follower.send(SIGKILL) }
        #expect(await eventually(within: 60) { Self.followedTransaction(copy) > 0 }, "\(follower.log)")

        try live.enqueue(winReferences("late", 20), operator: "casino-a")
        let committed = Litestream.replicaTransaction(storage.path("outbox"))
        #expect(
            await eventually(within: 60) { Litestream.replicaTransaction(storage.path("outbox")) > committed },
            "\(replicator.log)")
        let shipped = Litestream.replicaTransaction(storage.path("outbox"))
        #expect(await eventually(within: 60) { Self.followedTransaction(copy) >= shipped }, "\(follower.log)")

        follower.send(SIGTERM)
        #expect(await follower.waitForExit(within: 30) != nil)
        try FileManager.default.removeItem(atPath: copy + "-txid")
        let opened = OutboxProbe(copy)
        #expect(try opened.integrityCheck() == "ok")
        #expect(try opened.count() == 40)
        #expect(try Outbox(path: copy).database.queryScalar("PRAGMA journal_mode").textValue == "wal")
    }

    /// The transaction a `restore -f` follower last applied (its `-txid` file, hex), 0 before the first.
    static func followedTransaction(_ copy: String) -> UInt64 {
        let text = (try? String(contentsOfFile: copy + "-txid", encoding: .utf8)) ?? ""
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) ?? 0
    }

    /// Runs `arguments` until it exits 0 (Litestream catching up) or `seconds` pass; the last result.
    static func succeeds(within seconds: Double, _ arguments: [String], environment: [String: String] = [:]) async -> CLIResult {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var result = await runCLI(arguments, environment: environment)
        while result.code != .success, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
            result = await runCLI(arguments, environment: environment)
        }
        return result
    }

    static func lines(_ references: [String]) -> String {
        references.map { winLine($0, operator: "casino-a") }.joined(separator: "\n") + "\n"
    }
}

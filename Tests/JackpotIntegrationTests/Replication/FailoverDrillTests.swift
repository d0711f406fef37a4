import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// The failover drill. Host A (a directory): `jackpotd run` and `litestream
/// replicate` with `Deploy/litestream.yml`, a `file` replica in a third
/// directory; the platform streams wins in with `jackpotd enqueue`; an
/// idempotent wallet on loopback credits them. A dies by SIGKILL (daemon and
/// Litestream) in the middle of that, with calls in flight. Host B (another
/// directory) then runs the runbook's commands, each one read from the runbook
/// and executed: restore, start, the platform's replay, takeover, status, check.
/// Every win the platform ever sent ends delivered on B, each credited once.
///
/// Deterministic: the kill follows events, not time. The wallet holds every
/// call from request 25 on, so A has wins leased in flight; once the replica
/// has moved past the first held call's claim, the kill comes right after the
/// platform's next batch, so the replica holds `sending` leases of A and
/// lacks what came after its last upload.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct FailoverDrillTests {
    static let secret = "failover-secret"
    static let lostHost = "jackpotd-a"
    static let standbyHost = "jackpotd-b"
    static let holdFrom = 25

    @Test func standbyRestoresTakesOverAndEveryWinIsCreditedOnce() async throws {
        let runbook = try FailoverRunbook()
        let hostA = TemporaryDirectory()
        let hostB = TemporaryDirectory()
        let storage = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        let held = Gate()
        defer { held.open() }
        wallet.setFaultPlan { number in
            if number >= Self.holdFrom { held.wait() }
            return nil
        }
        let replica = storage.path("outbox")
        func host(_ directory: TemporaryDirectory) throws -> (config: String, litestream: String, database: String) {
            let database = directory.path("outbox.sqlite3")
            // A 30 s timeout: a held call stays in flight (its lease 120 s) however slow the machine.
            let config = writeConfig(
                in: directory, database: database,
                operators: [
                    TestOperator(
                        name: "casino-a", url: wallet.url, secret: Self.secret,
                        extra: fastDelivery(timeoutSeconds: 30, concurrency: 4))
                ], extraTopLevel: #""checkpoints": "litestream", "shutdownGraceSeconds": 2"#)
            let litestream = directory.write("litestream.yml", try Litestream.config(database: database, replica: replica))
            return (config, litestream, database)
        }
        let (configA, litestreamA, _) = try host(hostA)
        let (configB, litestreamB, databaseB) = try host(hostB)

        // Host A at work.
        let daemonA = try DaemonProcess(
            ["run", "--config", configA], logPath: hostA.path("daemon.log"), environment: ["JACKPOTD_HOST": Self.lostHost])
        defer { daemonA.send(SIGKILL) }
        await daemonA.waitForStart()
        let replicatorA = try Litestream.replicate(config: litestreamA, logPath: hostA.path("litestream.log"))
        defer { replicatorA.send(SIGKILL) }

        var platform = Platform(directory: hostA, config: configA)
        var heldClaimBefore: UInt64?
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            try #require(ContinuousClock.now < deadline, "no held call reached the replica: \(daemonA.log)\n\(replicatorA.log)")
            try await platform.send(5)
            let replicated = Litestream.replicaTransaction(replica)
            if let heldClaimBefore, replicated > heldClaimBefore { break }
            if heldClaimBefore == nil, wallet.snapshot.requests >= Self.holdFrom { heldClaimBefore = replicated }
            try await Task.sleep(for: .milliseconds(40))
        }
        // Host A dies mid-stream, right after the platform's next batch.
        try await platform.send(5)
        let killedAt = WallClock.nowMilliseconds()
        daemonA.send(SIGKILL)
        replicatorA.send(SIGKILL)
        try #require(await daemonA.waitForExit(within: 30) != nil)
        try #require(await replicatorA.waitForExit(within: 30) != nil)
        // The held calls reach the wallet now: credited, their answers lost with A.
        held.open()
        let sent = platform.references
        hostB.write("recent-wins.jsonl", platform.lines.joined(separator: "\n") + "\n")

        // Host B runs the runbook.
        let probeB = OutboxProbe(databaseB)
        var inReplica: Set<String>?
        var leasedInReplica: Set<String> = []
        var daemonB: DaemonProcess?
        var replicatorB: DaemonProcess?
        defer {
            daemonB?.send(SIGKILL)
            replicatorB?.send(SIGKILL)
        }
        var outputs: [String: String] = [:]
        let paths = [
            "/etc/litestream.yml": litestreamB, "/var/lib/jackpotd/outbox.sqlite3": databaseB,
            "recent-wins.jsonl": hostB.path("recent-wins.jsonl"),
        ]
        let environment = ["JACKPOTD_CONFIG": configB, "USER": "ops-drill"]
        for command in runbook.commands {
            var words = DocsText.words(command).map { paths[$0] ?? $0 }
            if words.starts(with: ["sudo", "-u", "jackpotd"]) { words.removeFirst(3) }
            switch words.first {
            case "litestream":
                let run = try await Litestream.run(
                    Array(words.dropFirst()), logPath: hostB.path("litestream-\(outputs.count).log"))
                try #require(run.status == 0, "$ \(command)\n\(run.log)")
                if inReplica == nil {
                    let restored = try probeB.wins()
                    inReplica = Set(restored.map(\.reference))
                    leasedInReplica = Set(restored.filter { $0.state == .sending }.map(\.reference))
                }
            case "chmod" where words.count == 3 && words[1] == "600":
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: words[2])
            case "sudo" where words == ["sudo", "systemctl", "start", "jackpotd", "litestream"]:
                // The units' ExecStart lines, on host B.
                daemonB = try DaemonProcess(
                    ["run", "--config", configB], logPath: hostB.path("daemon.log"),
                    environment: ["JACKPOTD_HOST": Self.standbyHost])
                await daemonB?.waitForStart()
                replicatorB = try Litestream.replicate(config: litestreamB, logPath: hostB.path("litestream.log"))
            case "jp":
                let arguments = Array(words.dropFirst())
                // Litestream on B needs its first upload before check can say it follows.
                let result =
                    arguments.first == "check"
                    ? await LitestreamReplicaTests.succeeds(within: 60, arguments, environment: environment)
                    : await runCLI(arguments, environment: environment)
                try #require(result.code == .success, "$ \(command)\n\(result.errors)\(result.output)")
                print("$ \(command)\n\(result.errors)\(result.output)")
                outputs[arguments.first ?? "", default: ""] += result.output
            default:
                Issue.record("the drill cannot run the runbook's command: \(command)")
            }
        }

        let replicated = try #require(inReplica, "the runbook restored nothing")
        let delivered = try await eventually(within: 120) { try probeB.allDelivered(sent) }
        #expect(delivered, "\(daemonB?.log ?? "")")

        // Exactly once: every win credited once, under the transactionId B stored.
        let books = wallet.snapshot
        #expect(books.credited == sent.count)
        #expect(books.hashFailures == 0)
        for win in try probeB.wins() {
            #expect(
                win.transactionId != nil && win.transactionId == wallet.credit(for: win.reference)?.transactionId,
                "\(win.reference)")
        }
        #expect(try probeB.count(.sending) == 0)
        #expect(try probeB.count(.pending) == 0)
        #expect(try probeB.count(.failed) == 0)
        #expect(try probeB.integrityCheck() == "ok")

        // The replica held calls of A in flight: takeover released them, and said so.
        let takeover = try #require(outputs["takeover"])
        let released = Int(takeover.split(separator: " ").dropFirst(4).first ?? "") ?? 0
        #expect(released >= 1, "\(takeover)")
        #expect(
            outputs["status"]?.contains("Taken over: host \(Self.lostHost): \(released) win") == true,
            "\(outputs["status"] ?? "")")

        // The figures the runbook quotes.
        let lacked = sent.filter { !replicated.contains($0) }.count
        // When B's daemon got each win confirmed: the end of its delivering attempt.
        var confirmedOnB: [String: Int64] = [:]
        for reference in sent {
            for attempt in try probeB.attempts(reference)
            where attempt.daemon.hasPrefix(Self.standbyHost + ":") && attempt.outcome == "delivered" {
                confirmedOnB[reference] = attempt.startedAt + Int64(attempt.durationMs)
            }
        }
        let firstOnB = Double((confirmedOnB.values.min() ?? killedAt) - killedAt) / 1000
        let lastReplicated = confirmedOnB.filter { replicated.contains($0.key) }.values.max() ?? killedAt
        let lastNotLeased = confirmedOnB.filter { !leasedInReplica.contains($0.key) }.values.max() ?? killedAt
        #expect(!leasedInReplica.isEmpty)
        print(
            """
            failover drill: \(sent.count) wins sent by the platform; the replica lacked \(lacked) (the recovery point), \
            which the replay enqueued again (\(outputs["enqueue"]?.split(separator: "\n").last ?? "")); takeover released \
            \(released) leases of \(Self.lostHost); \(books.duplicates) wins sent twice to the wallet, each credited once; \
            kill to first delivery on B \(String(format: "%.1f", firstOnB)) s; kill to the last win not leased to \
            \(Self.lostHost) delivered (replayed ones included) \(Self.seconds(lastNotLeased - killedAt)) s; kill to the \
            last replicated win delivered \(Self.seconds(lastReplicated - killedAt)) s
            """)

        // B's Litestream carries the same replica on: restored once B's daemon has
        // stopped (its last heartbeat and its removal are later commits), it is
        // B's outbox, every win delivered.
        let final = Litestream.replicaTransaction(replica)
        if let daemonB {
            daemonB.send(SIGTERM)
            #expect(await daemonB.waitForExit(within: 30) == 0)
        }
        #expect(await eventually(within: 60) { Litestream.replicaTransaction(replica) > final }, "\(replicatorB?.log ?? "")")
        let again = hostB.path("restored-again.sqlite3")
        let restoredAgain = try await Litestream.run(
            ["restore", "-config", litestreamB, "-o", again, databaseB], logPath: hostB.path("restore-again.log"))
        try #require(restoredAgain.status == 0, "\(restoredAgain.log)")
        #expect(try OutboxProbe(again).allDelivered(sent))
    }

    static func seconds(_ milliseconds: Int64) -> String {
        String(format: "%.1f", Double(max(0, milliseconds)) / 1000)
    }

    /// The game platform: wins in batches through `jackpotd enqueue --file`,
    /// every line kept for the replay.
    struct Platform {
        let directory: TemporaryDirectory
        let config: String
        private(set) var lines: [String] = []
        private(set) var references: [String] = []

        init(directory: TemporaryDirectory, config: String) {
            self.directory = directory
            self.config = config
        }

        mutating func send(_ count: Int) async throws {
            let batch = (references.count..<(references.count + count)).map { String(format: "drill-%05d", $0) }
            let now = WallClock.nowMilliseconds()
            let lines = batch.map { winLine($0, operator: "casino-a", extra: "\"timestamp\":\"\(now)\"") }
            let file = directory.write("batch.jsonl", lines.joined(separator: "\n") + "\n")
            let result = await runCLI(["enqueue", "--config", config, "--file", file])
            try #require(result.code == .success, "\(result.errors)")
            self.lines += lines
            references += batch
        }
    }
}

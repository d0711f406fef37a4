import Foundation
import Testing
import JackpotCLI
import JackpotStore
import OperatorSimulator
import TestSupport

/// Signals to the real `jackpotd run` process: SIGTERM stops cleanly within the
/// grace period, SIGHUP reloads operators and keeps the old config when the new one is broken.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct LifecycleTests {
    static let secret = "life-secret"

    @Test func sigtermFinishesCallsInFlightAndExitsZeroWithNothingLeased() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        wallet.setFaultPlan { _ in .delayThenAnswer(seconds: 0.3) }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: wallet.url, secret: Self.secret, extra: fastDelivery(timeoutSeconds: 2, concurrency: 8)
                )
            ], extraTopLevel: "\"shutdownGraceSeconds\": 2")
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let wins = winReferences("term", 400)
        try probe.enqueue(wins, operator: "casino-a")
        let metricsFile = directory.path("jackpotd.prom")

        let daemon = try DaemonProcess(
            ["run", "--config", config, "--metrics-file", metricsFile], logPath: directory.path("daemon.log"))
        let started = try await eventually { try probe.count(.delivered) >= 10 }
        daemon.send(SIGTERM)
        let status = await daemon.waitForExit(within: 10)

        #expect(started)
        #expect(status == 0, "\(daemon.log)")
        #expect(daemon.log.contains("event=stop"))
        #expect(try probe.count(.sending) == 0)
        let delivered = try probe.count(.delivered)
        #expect(delivered < wins.count)
        #expect(delivered + (try probe.count(.pending)) == wins.count)
        // The calls in flight were allowed to finish and were recorded: every
        // credit the operator made is a delivered win in the outbox.
        #expect(wallet.snapshot.credited == delivered)

        let metrics = try String(contentsOfFile: metricsFile, encoding: .utf8)
        #expect(metrics.contains("jackpotd_wins{operator=\"casino-a\",state="))
        if let check = try promtoolCheckMetrics(metricsFile) {
            #expect(check.status == 0, "\(check.output)")
        }
    }

    @Test func sighupAddsAnOperatorAndABrokenConfigKeepsTheOldOne() async throws {
        let directory = TemporaryDirectory()
        let walletA = try ScriptedOperator(secret: Self.secret)
        let walletB = try ScriptedOperator(secret: "b-secret")
        defer { walletA.stop(); walletB.stop() }
        let operatorA = TestOperator(name: "casino-a", url: walletA.url, secret: Self.secret, extra: fastDelivery())
        let operatorB = TestOperator(name: "casino-b", url: walletB.url, secret: "b-secret", extra: fastDelivery())
        let config = writeConfig(in: directory, operators: [operatorA])
        let database = directory.path("outbox.sqlite3")
        let probe = OutboxProbe(database)
        try probe.enqueue(["a-1", "a-2"], operator: "casino-a")

        let daemon = try DaemonProcess(["run", "--config", config], logPath: directory.path("daemon.log"))
        // Deliveries mean the daemon is up, signal handlers included.
        let running = try await eventually { try probe.count(.delivered, operator: "casino-a") == 2 }
        try #require(running, "\(daemon.log)")

        // A win for an operator the daemon does not know yet is parked, not lost.
        let early = await runCLI([
            "enqueue", "--db", database, "--operator", "casino-b", "--reference", "b-early", "--user-id", "7",
            "--game-id", "g", "--round-id", "1", "--jackpot-id", "568", "--amount", "10",
        ])
        #expect(early.code == .success, "\(early.errors)")
        let parked = try await eventually { try probe.win("b-early")?.state == .failed }
        #expect(parked)
        #expect(try probe.win("b-early")?.lastError?.contains("not configured") == true)

        writeConfig(in: directory, operators: [operatorA, operatorB])
        daemon.send(SIGHUP)
        let reloaded = await eventually {
            daemon.log.split(separator: "\n").contains { $0.contains("event=config ") && $0.contains("casino-b") }
        }
        #expect(reloaded, "\(daemon.log)")
        let retry = await runCLI(["retry", "--operator", "casino-b", "--state", "failed", "--db", database])
        #expect(retry.code == .success, "\(retry.errors)")
        let late = directory.write("late.jsonl", winLine("b-late", operator: "casino-b") + "\n")
        let enqueued = await runCLI(["enqueue", "--create", "--config", config, "--file", late])
        #expect(enqueued.code == .success, "\(enqueued.errors)")
        let bDelivered = try await eventually { try probe.count(.delivered, operator: "casino-b") == 2 }
        #expect(bDelivered)
        #expect(try probe.win("b-early")?.transactionId == walletB.credit(for: "b-early")?.transactionId)
        #expect(try probe.win("b-late")?.transactionId == walletB.credit(for: "b-late")?.transactionId)

        // A broken config on SIGHUP is reported and the running one kept.
        directory.write("config.json", "{\"providerId\": \"luckymonaco\", \"operators\": ")
        daemon.send(SIGHUP)
        let refused = await eventually { daemon.log.contains("event=config_reload_failed") }
        #expect(refused, "\(daemon.log)")
        try probe.enqueue(["a-3"], operator: "casino-a")
        try probe.enqueue(["b-3"], operator: "casino-b")
        let continued = try await eventually {
            try probe.win("a-3")?.state == .delivered && probe.win("b-3")?.state == .delivered
        }
        #expect(continued)

        daemon.send(SIGTERM)
        #expect(await daemon.waitForExit(within: 10) == 0)
        #expect(walletA.snapshot.credited == 3)
        #expect(walletB.snapshot.credited == 3)
        #expect(walletA.snapshot.hashFailures == 0 && walletB.snapshot.hashFailures == 0)
    }
}

import Foundation
import Testing
import JackpotDelivery
import JackpotStore
import OperatorSimulator
import TestSupport

/// The loop sleeps while nothing is due: another process's write wakes it
/// (`OutboxChangeWatcher`), and calls that hang do not make it tick. Shown by
/// pass counts, never by timing: load only makes passes fewer.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct IdleLoopTests {
    @Test func aWinEnqueuedByAnotherProcessIsSentWithoutPolling() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "idle-secret")
        defer { wallet.stop() }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: "idle-secret", extra: fastDelivery())
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        // With the idle tick and housekeeping an hour apart, only the change watcher can wake the loop.
        var settings = Dispatcher.Settings()
        settings.idleTickMilliseconds = 3_600_000
        settings.housekeepingIntervalMilliseconds = 3_600_000
        let daemon = try RunningDispatcher(configPath: config, settings: settings)
        let settled = await daemon.dispatcher.waitForPasses(loop: 1, housekeeping: 1)

        try probe.enqueue(winReferences("idle", 3), operator: "casino-a")
        let delivered = try await eventually { try probe.count(.delivered) == 3 }
        try await daemon.stop()

        #expect(settled)
        #expect(delivered, "\(daemon.log)")
        #expect(!daemon.logged("no_change_watch"))
    }

    @Test func callsThatHangDoNotMakeTheLoopTick() async throws {
        let directory = TemporaryDirectory()
        let silent = AcceptButSilentPort()
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: silent.url, secret: "idle-secret",
                    extra: fastDelivery(timeoutSeconds: 300, concurrency: 8))
            ], extraTopLevel: "\"shutdownGraceSeconds\": 0.5")
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        try probe.enqueue(winReferences("hang", 40), operator: "casino-a")
        var settings = Dispatcher.Settings()
        settings.idleTickMilliseconds = 100
        settings.housekeepingIntervalMilliseconds = 500
        let daemon = try RunningDispatcher(configPath: config, settings: settings)
        let hanging = try await eventually { try probe.count(.sending) == 24 }

        // Per housekeeping round (500 ms apart): five idle ticks, its own wake and
        // its heartbeat's write; a 10 ms tick would be fifty.
        let loopBefore = daemon.dispatcher.passes.loop
        let rounds = await daemon.dispatcher.waitForPasses(housekeeping: 6)
        let loopPasses = daemon.dispatcher.passes.loop - loopBefore
        try await daemon.stop()

        #expect(hanging, "\(daemon.log)")
        #expect(rounds)
        #expect(loopPasses <= 6 * 15, "\(loopPasses) loop passes in 6 housekeeping rounds")
    }
}

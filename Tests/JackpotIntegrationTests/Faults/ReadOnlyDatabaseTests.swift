import Foundation
import Testing
import OperatorSimulator
import TestSupport

/// The outbox made read-only (`chmod 0444` on the file, `0555` on its directory).
/// Root ignores file modes, so when the tests run as root every jackpotd process
/// here runs as `nobody` (through `setpriv`); the operator and the checks stay in
/// the test process.
///
/// What happens, in plain words: a running daemon holds its files open, and
/// permissions are checked only when a file is opened — so it keeps working and
/// nothing it recorded is lost. Any process that opens the database afterwards (a
/// platform's enqueue, a restarted daemon) fails at once with a clear error and
/// stores nothing. Once the modes are restored everything goes through.
// Runs for every user: a non-root user feels file modes itself, and root drops to
// `nobody` through setpriv. Skipped (with this reason shown) only for root without setpriv.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore, .enabled(if: DaemonProcess.canFeelFileModes, "needs a non-root user or setpriv"))
struct ReadOnlyDatabaseTests {
    /// A directory owned by the user the children run as, with a config and an operator.
    /// Win files and logs go to `scratch`, which stays writable: this test process
    /// writes them while `directory` is 0555, which only root could write into.
    final class Setup {
        let directory = TemporaryDirectory()
        let scratch = TemporaryDirectory()
        let wallet: ScriptedOperator
        let configPath: String
        let databasePath: String
        let probe: OutboxProbe
        private var files = 0

        init() throws {
            wallet = try ScriptedOperator(secret: "testKey")
            configPath = writeConfig(
                in: directory,
                operators: [
                    TestOperator(
                        name: "casino-a", url: wallet.url, secret: "testKey",
                        extra: fastDelivery(timeoutSeconds: 5, concurrency: nil))
                ], extraTopLevel: #""shutdownGraceSeconds": 3"#)
            databasePath = directory.path("outbox.sqlite3")
            probe = OutboxProbe(path: databasePath)
            chmod(directory.path, 0o700)
            chmod(scratch.path, 0o755)
            DaemonProcess.handOver(directory.path)
        }

        /// `jackpotd enqueue` of `references` as the unprivileged user.
        func enqueue(_ references: [String]) async throws -> (status: Int32?, errors: String) {
            files += 1
            let file = scratch.write(
                "wins-\(files).jsonl",
                references.map { winLine($0, operator: "casino-a") }.joined(separator: "\n") + "\n",
                mode: 0o644)
            return try await DaemonProcess.run(
                ["enqueue", "--create", "--config", configPath, "--file", file],
                logPath: scratch.path("enqueue-\(files).log"), unprivileged: true)
        }

        func startDaemon(_ name: String) throws -> DaemonProcess {
            try DaemonProcess(["run", "--config", configPath], logPath: scratch.path("\(name).log"), unprivileged: true)
        }

        /// The database, its WAL files (when present) and the directory, to `fileMode`/`directoryMode`.
        func setModes(file fileMode: mode_t, directory directoryMode: mode_t) {
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: databasePath + suffix) {
                chmod(databasePath + suffix, fileMode)
            }
            chmod(directory.path, directoryMode)
        }

        static func stop(_ daemon: DaemonProcess) async -> Int32? {
            await daemon.waitForStart()
            daemon.send(SIGTERM)
            let status = await daemon.waitForExit(within: 15)
            if status == nil { daemon.send(SIGKILL) }
            return status
        }
    }

    @Test func readOnlyUnderARunningDaemonBlocksNewWritersOnlyAndClearsWithTheModes() async throws {
        let setup = try Setup()
        defer { setup.wallet.stop() }
        let first = ChildDaemonRig.references("first", 3)
        #expect(try await setup.enqueue(first).status == 0)
        let daemon = try setup.startDaemon("daemon-1")
        #expect(try await eventually { try setup.probe.allDelivered(first) })

        setup.wallet.setFaultPlan { _ in .delayThenAnswer(seconds: 1) }
        let inFlight = ChildDaemonRig.references("inflight", 4)
        #expect(try await setup.enqueue(inFlight).status == 0)
        #expect(await eventually { setup.wallet.snapshot.requests > first.count })
        setup.setModes(file: 0o444, directory: 0o555)

        // A new writer is refused at once, clearly, and stores nothing.
        let refused = try await setup.enqueue(ChildDaemonRig.references("refused", 2))
        #expect(refused.status == 1)
        #expect(
            refused.errors.contains("permission denied: user nobody (uid 65534) cannot read and write \(setup.databasePath)"),
            "\(refused.errors)")
        #expect(refused.errors.split(separator: "\n").count == 1, "one clear line: \(refused.errors)")

        // The running daemon holds its files open: it records the answers in flight.
        #expect(try await eventually { try setup.probe.allDelivered(inFlight) })
        #expect(!daemon.log.contains("event=storage_error"), "\(daemon.log)")
        #expect(await Setup.stop(daemon) == 0)

        // A daemon (re)started now cannot write: it says so and exits 2 (not
        // restarted by systemd) instead of idling.
        let restarted = try setup.startDaemon("daemon-2")
        #expect(await restarted.waitForExit(within: 15) == 2)
        #expect(
            restarted.log.contains("permission denied: user nobody (uid 65534) cannot create files in \(setup.directory.path)"),
            "\(restarted.log)")

        // Modes restored: the refused batch goes in, a new daemon delivers it.
        setup.setModes(file: 0o600, directory: 0o700)
        setup.wallet.setFaultPlan(nil)
        let retried = ChildDaemonRig.references("refused", 2)
        #expect(try await setup.enqueue(retried).status == 0)
        let recovered = try setup.startDaemon("daemon-3")
        #expect(try await eventually { try setup.probe.allDelivered(retried) })
        #expect(await Setup.stop(recovered) == 0)

        #expect(try setup.probe.integrityCheck() == "ok")
        #expect(try setup.probe.missing(first + inFlight + retried).isEmpty)
        #expect(try setup.probe.unconfirmedDeliveries(setup.wallet).isEmpty)
        #expect(setup.wallet.snapshot.credited == first.count + inFlight.count + retried.count)
    }

    /// Only the file write-protected, its directory writable: SQLite then opens the
    /// database read-only without a word. A daemon started like that must refuse to
    /// run — otherwise it idles on a connection that can never write, even after the
    /// mode is fixed.
    @Test func daemonStartedOnAWriteProtectedFileRefusesToRunAndStartsOnceFixed() async throws {
        let setup = try Setup()
        defer { setup.wallet.stop() }
        let wins = ChildDaemonRig.references("win", 3)
        #expect(try await setup.enqueue(wins).status == 0)
        setup.setModes(file: 0o444, directory: 0o700)

        let refused = try setup.startDaemon("daemon-1")
        let status = await refused.waitForExit(within: 15)
        if status == nil { refused.send(SIGKILL) }
        #expect(status == 2, "log: \(refused.log)")
        #expect(
            refused.log.contains(
                "permission denied: user nobody (uid 65534) cannot read and write \(setup.databasePath)"
                    + " (owner nobody, group nogroup, mode 0444); give the owner its access back: chmod u+rw \(setup.databasePath)"
            ),
            "\(refused.log)")
        #expect(setup.wallet.snapshot.requests == 0)

        setup.setModes(file: 0o600, directory: 0o700)
        let daemon = try setup.startDaemon("daemon-2")
        #expect(try await eventually { try setup.probe.allDelivered(wins) })
        #expect(await Setup.stop(daemon) == 0)
        #expect(try setup.probe.integrityCheck() == "ok")
        #expect(try setup.probe.unconfirmedDeliveries(setup.wallet).isEmpty)
    }
}

import Foundation
import Testing
import JackpotCLI
import OperatorSimulator
import TestSupport

/// The real `jackpotd run` as a child process, one healthy scripted operator
/// (`casino-a`), and the bookkeeping every storage-fault test ends with. For
/// faults that must hit the daemon's own files and connection.
final class ChildDaemonRig {
    static let secret = "testKey"

    let directory = TemporaryDirectory()
    let wallet: ScriptedOperator
    let configPath: String
    let databasePath: String
    let probe: OutboxProbe
    /// Holds the answers to the calls `startWithCallsInFlight()` leaves in flight
    /// until the test has set its fault up. Open it before `wallet.stop()`.
    let answers = Gate()
    private(set) var daemon: DaemonProcess?
    private var logCount = 0
    private var enqueueCount = 0

    /// `database` defaults to a file in the rig's directory. Calls time out after
    /// 5 s, so a test can slow the operator down without a timeout. `extraTopLevel`
    /// adds config members such as `"busyTimeoutSeconds": 1`.
    init(database: String? = nil, extraTopLevel: String = "") throws {
        wallet = try ScriptedOperator(secret: Self.secret)
        databasePath = database ?? directory.path("outbox.sqlite3")
        configPath = writeConfig(
            in: directory, database: databasePath,
            operators: [
                TestOperator(
                    name: "casino-a", url: wallet.url, secret: Self.secret,
                    extra: fastDelivery(timeoutSeconds: 5, concurrency: nil))
            ],
            extraTopLevel: [#""shutdownGraceSeconds": 3"#, extraTopLevel].filter { !$0.isEmpty }.joined(separator: ", "))
        probe = OutboxProbe(path: databasePath)
    }

    /// Starts `jackpotd run --config …` (and `extraArguments`); each start logs to a file of its own.
    func startDaemon(extraArguments: [String] = []) throws {
        logCount += 1
        daemon = try DaemonProcess(
            ["run", "--config", configPath] + extraArguments, logPath: directory.path("daemon-\(logCount).log"))
    }

    /// Starts the daemon and has five wins delivered, then holds the operator's
    /// answers at `answers` and enqueues six more: returns once some of those calls
    /// are in flight, the moment a storage fault should hit. No answer arrives
    /// before the test opens the gate, however loaded the machine; it should do so
    /// as soon as its fault is in place (the calls time out after 5 s).
    func startWithCallsInFlight() async throws -> (before: [String], during: [String]) {
        try startDaemon()
        let before = Self.references("before", 5)
        #expect(await enqueue(before).code == .success)
        #expect(try await eventually { try probe.allDelivered(before) })
        wallet.setFaultPlan { [answers] _ in
            answers.wait()
            return nil
        }
        let during = Self.references("during", 6)
        #expect(await enqueue(during).code == .success)
        #expect(await eventually { wallet.snapshot.requests > before.count })
        return (before, during)
    }

    /// SIGTERM, then the exit status (SIGKILL and nil if it did not stop in time).
    func stopDaemon() async -> Int32? {
        guard let daemon else { return nil }
        await daemon.waitForStart()
        daemon.send(SIGTERM)
        let status = await daemon.waitForExit(within: 15)
        if status == nil {
            daemon.send(SIGKILL)
            _ = await daemon.waitForExit(within: 5)
        }
        return status
    }

    /// Writes `references` as JSON Lines and returns the file's path.
    func winFile(_ references: [String]) -> String {
        enqueueCount += 1
        let lines = references.map { winLine($0, operator: "casino-a") }
        return directory.write("wins-\(enqueueCount).jsonl", lines.joined(separator: "\n") + "\n")
    }

    /// `jackpotd enqueue --db … --file …` in-process.
    func enqueue(_ references: [String]) async -> CLIResult {
        await runCLI(["enqueue", "--create", "--db", databasePath, "--file", winFile(references)])
    }

    /// Log lines of one event in the current daemon's log.
    func events(_ name: String) -> [String] {
        (daemon?.log ?? "").split(separator: "\n").map(String.init)
            .filter { $0.contains(" event=\(name) ") || $0.hasSuffix(" event=\(name)") }
    }

    /// What must hold after any fault: a healthy file, every expected win stored,
    /// no delivery the operator did not confirm. Empty when all is well.
    func audit(expected references: [String]) throws -> [String] {
        var problems: [String] = []
        let integrity = try probe.integrityCheck()
        if integrity != "ok" { problems.append("integrity_check: \(integrity)") }
        let missing = try probe.missing(references)
        if !missing.isEmpty { problems.append("lost wins: \(missing)") }
        let unconfirmed = try probe.unconfirmedDeliveries(wallet)
        if !unconfirmed.isEmpty { problems.append("delivered without the operator's confirmation: \(unconfirmed)") }
        return problems
    }

    static func references(_ prefix: String, _ count: Int) -> [String] {
        (1...count).map { "\(prefix)-\($0)" }
    }
}

import Foundation
import JackpotCLI
import JackpotStore
import OperatorSimulator
import TestSupport

/// Two operators behind one in-process daemon: `flaky`, whose URL a test points
/// at a misbehaving endpoint, and `steady`, a healthy scripted wallet. Short
/// timeout and back-off keep every fault test within seconds.
final class FaultyOperatorRig {
    static let secret = "testKey"
    static let steadyCount = 6

    let directory = TemporaryDirectory()
    let steady: ScriptedOperator
    let configPath: String
    let probe: OutboxProbe
    private(set) var daemon: InProcessDaemon?

    /// `flakyURL` is where `flaky` wins are sent.
    init(flakyURL: String, flakyExtra: String = "") throws {
        steady = try ScriptedOperator(secret: Self.secret)
        let fast = fastDelivery(concurrency: nil)
        configPath = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "flaky", url: flakyURL, secret: Self.secret, extra: flakyExtra.isEmpty ? fast : fast + ", " + flakyExtra
                ),
                TestOperator(name: "steady", url: steady.url, secret: Self.secret, extra: fast),
            ],
            extraTopLevel: #""shutdownGraceSeconds": 1"#)
        probe = OutboxProbe(path: directory.path("outbox.sqlite3"))
    }

    var steadyReferences: [String] { (1...Self.steadyCount).map { "steady-\($0)" } }

    /// Enqueues `flaky` wins and the steady batch through the CLI, then starts the daemon.
    func start(flakyReferences: [String]) async throws {
        let lines =
            flakyReferences.map { winLine($0, operator: "flaky") }
            + steadyReferences.map { winLine($0, operator: "steady") }
        let file = directory.write("wins.jsonl", lines.joined(separator: "\n") + "\n")
        let result = await runCLI(["enqueue", "--create", "--config", configPath, "--file", file])
        guard result.code == .success else { throw RigError("enqueue failed: \(result.errors)") }
        daemon = try InProcessDaemon(configPath: configPath)
    }

    /// Waits (bounded) for `steady` to have every win delivered, exactly once.
    func steadyAllDelivered() async throws -> Bool {
        try await eventually(within: 20) { try probe.allDelivered(steadyReferences) }
    }

    /// Stops the daemon, then checks what every fault test must leave behind:
    /// a healthy file, every win still there, no delivery nobody confirmed.
    func finish(flakyReferences: [String], flakyWallet: ScriptedOperator? = nil) async throws -> [String] {
        try await daemon?.stop()
        var problems: [String] = []
        let integrity = try probe.integrityCheck()
        if integrity != "ok" { problems.append("integrity_check: \(integrity)") }
        let missing = try probe.missing(flakyReferences + steadyReferences)
        if !missing.isEmpty { problems.append("lost wins: \(missing)") }
        let unconfirmedSteady = try probe.unconfirmedDeliveries(steady).filter { $0.hasPrefix("steady-") }
        if !unconfirmedSteady.isEmpty { problems.append("unconfirmed steady deliveries: \(unconfirmedSteady)") }
        let flakyDelivered = try probe.wins().filter { $0.operatorName == "flaky" && $0.state == .delivered }
        for win in flakyDelivered where flakyWallet?.credit(for: win.reference)?.transactionId != win.transactionId {
            problems.append("\(win.reference) delivered without the flaky operator's confirmation")
        }
        if steady.snapshot.credited != Self.steadyCount || steady.snapshot.requests != Self.steadyCount {
            problems.append("steady operator was disturbed: \(steady.snapshot)")
        }
        steady.stop()
        return problems
    }
}

struct RigError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

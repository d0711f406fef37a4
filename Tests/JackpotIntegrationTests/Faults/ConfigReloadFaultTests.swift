import Foundation
import Testing
import JackpotCLI
import OperatorSimulator
import TestSupport

/// A broken config file at SIGHUP: the daemon logs why, keeps the config it
/// has, and keeps delivering. A good file at the next SIGHUP is taken.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct ConfigReloadFaultTests {
    @Test func brokenConfigOnReloadIsLoggedAndTheOldOneKept() async throws {
        let rig = try ChildDaemonRig()
        defer { rig.wallet.stop() }
        let goodConfig = try String(contentsOfFile: rig.configPath, encoding: .utf8)
        try rig.startDaemon()
        let first = ChildDaemonRig.references("first", 3)
        #expect(await rig.enqueue(first).code == .success)
        #expect(try await eventually { try rig.probe.allDelivered(first) })

        // Each broken file in turn: not JSON, an unknown key, a bad value, no file at all.
        let brokenFiles: [(content: String?, mentions: String)] = [
            ("{ \"database\": \"x\", \"operators\": ", "JSON"),
            (goodConfig.replacingOccurrences(of: "\"providerId\"", with: "\"providerID\""), "providerID"),
            (goodConfig.replacingOccurrences(of: "\"timeoutSeconds\": 5", with: "\"timeoutSeconds\": -1"), "timeoutSeconds"),
            (nil, rig.configPath),
        ]
        for (round, broken) in brokenFiles.enumerated() {
            if let content = broken.content {
                rig.directory.write("config.json", content)
            } else {
                try FileManager.default.removeItem(atPath: rig.configPath)
            }
            let failuresBefore = rig.events("config_reload_failed").count
            rig.daemon?.send(SIGHUP)
            #expect(await eventually { rig.events("config_reload_failed").count == failuresBefore + 1 })
            let failure = rig.events("config_reload_failed").last ?? ""
            #expect(failure.contains(broken.mentions), "round \(round): \(failure)")
            #expect(failure.contains("keeping the previous config"))

            // Still running, still delivering with the old operators and secret
            // (enqueue by --db: the CLI cannot read the broken file either).
            let wins = ChildDaemonRig.references("round\(round)", 2)
            #expect(
                await runCLI(["enqueue", "--create", "--db", rig.databasePath, "--file", rig.winFile(wins)]).code == .success)
            #expect(try await eventually { try rig.probe.allDelivered(wins) }, "round \(round)")
        }
        #expect(rig.daemon?.process.isRunning == true)
        #expect(rig.wallet.snapshot.hashFailures == 0, "the old secret stayed in use")

        // A good file again is taken at the next SIGHUP.
        rig.directory.write("config.json", goodConfig)
        let reloadsBefore = rig.events("config_reloaded").count
        rig.daemon?.send(SIGHUP)
        #expect(await eventually { rig.events("config_reloaded").count == reloadsBefore + 1 })
        let last = ChildDaemonRig.references("last", 2)
        #expect(await rig.enqueue(last).code == .success)
        #expect(try await eventually { try rig.probe.allDelivered(last) })

        #expect(await rig.stopDaemon() == 0)
        let all = first + (0..<brokenFiles.count).flatMap { ChildDaemonRig.references("round\($0)", 2) } + last
        #expect(try rig.audit(expected: all) == [])
        #expect(rig.wallet.snapshot.credited == all.count)
    }
}

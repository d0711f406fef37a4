import Foundation
import JackpotConfiguration
import JackpotStore

/// `jackpotd run` as a child process on a config and outbox of its own, so its
/// CPU (/proc/PID/stat) and memory (/proc/PID/status) are the daemon's alone,
/// apart from the bench's loopback operators and polling.
final class ChildDaemon {
    let child: JackpotdChild
    let directory: String
    /// The bench's own connection to the daemon's outbox.
    let outbox: Outbox

    /// Writes the config, starts the daemon and returns once it wrote its
    /// first metrics file (it does so as soon as it runs).
    init(config: JackpotConfig, in directory: String) async throws {
        self.directory = directory
        outbox = try Outbox(path: config.database ?? directory + "/outbox.sqlite3")
        let path = try ConfigFile.write(config, in: directory)
        let metrics = directory + "/metrics.prom"
        child = try JackpotdChild(["run", "--config", path, "--metrics-file", metrics], logPath: directory + "/daemon.log")
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: metrics) {
            guard child.process.isRunning, ContinuousClock.now < deadline else {
                throw BenchFailure("the daemon did not start; log: \(directory)/daemon.log")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Returns once a metrics file the daemon wrote names `operatorName`: its
    /// lanes exist and their series are in the registry. The first file is
    /// written before the config is applied, so memory read before this misses
    /// the lanes' series (about 30 MB with 10 000 operators), and whether it
    /// does depends on how long the start-up took.
    func waitForMetrics(naming operatorName: String) async throws {
        try await waitFor(
            "operator=\"\(operatorName)\"", in: directory + "/metrics.prom", every: .milliseconds(100),
            missing: "no metrics file named \(operatorName)")
    }

    /// Returns once the daemon's log has its `config` line: written after every
    /// lane exists and every operator has its row, so from then on it delivers.
    func waitForConfigApplied() async throws {
        try await waitFor(
            " event=config ", in: directory + "/daemon.log", every: .milliseconds(10),
            missing: "the daemon applied no config")
    }

    /// Polls `path` until it contains `text`; fails when the daemon exits or 60 s pass first.
    private func waitFor(_ text: String, in path: String, every interval: Duration, missing: String) async throws {
        let bytes = Data(text.utf8)
        let limit = Duration.seconds(60)
        let deadline = ContinuousClock.now + limit
        while FileManager.default.contents(atPath: path)?.range(of: bytes) == nil {
            guard child.process.isRunning, ContinuousClock.now < deadline else {
                throw BenchFailure("\(missing) within \(limit); log: \(directory)/daemon.log")
            }
            try await Task.sleep(for: interval)
        }
    }

    /// Wins delivered to `operatorName` so far, as `status` counts them.
    func delivered(_ operatorName: String) throws -> Int {
        Int(
            try outbox.database.queryScalar(
                "SELECT count FROM win_counts WHERE operator = ? AND state = 'delivered'", [.text(operatorName)]
            ).integerValue ?? 0)
    }

    /// Wins delivered to every operator together.
    func deliveredInAll() throws -> Int {
        Int(
            try outbox.database.queryScalar("SELECT coalesce(sum(count), 0) FROM win_counts WHERE state = 'delivered'")
                .integerValue ?? 0)
    }

    /// The CPU the daemon has used so far.
    func cpuTime() throws -> Duration {
        guard let time = child.cpuTime() else { throw BenchFailure("the daemon exited; log: \(directory)/daemon.log") }
        return time
    }

    /// The config file the daemon runs with.
    var configPath: String { directory + "/config.json" }

    /// The daemon's CPU over `window` of wall time, in % of one core.
    func cpuShare(over window: Duration) async throws -> Double {
        guard let before = child.cpuTime() else { throw BenchFailure("the daemon exited; log: \(directory)/daemon.log") }
        let start = ContinuousClock.now
        try await Task.sleep(for: window)
        guard let after = child.cpuTime() else { throw BenchFailure("the daemon exited; log: \(directory)/daemon.log") }
        return (after - before).seconds / (ContinuousClock.now - start).seconds * 100
    }

    func memory() throws -> JackpotdChild.Memory {
        guard let memory = child.memory() else { throw BenchFailure("the daemon exited; log: \(directory)/daemon.log") }
        return memory
    }

    /// SIGTERM, and the exit it must make (status 0) within its grace period.
    func stop() throws {
        child.process.terminate()
        let status = child.waitForExit()
        guard status == 0 else { throw BenchFailure("the daemon exited with status \(status); log: \(directory)/daemon.log") }
    }
}

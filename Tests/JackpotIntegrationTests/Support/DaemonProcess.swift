import Foundation
import TestSupport

/// The real `jackpotd` executable as a child process (a command or the daemon),
/// for tests where a crash, a signal, a second process or file permissions are
/// the point.
///
/// File-mode faults (a read-only database) mean nothing to root, and these tests
/// often run as root: with `unprivileged`, a root test runs the child through
/// `setpriv` as `nobody`, and the files it needs must belong to that user
/// (`handOver(_:)`).
final class DaemonProcess {
    let process = Process()
    let logPath: String

    static let setprivPath = "/usr/bin/setpriv"
    static let nobody: UInt32 = 65534

    /// The `jackpotd` binary SwiftPM built next to the test bundle.
    static var binary: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test runner may be inside a bundle directory (…/jackpotdPackageTests.xctest/…).
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("jackpotd").path),
            directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("jackpotd")
    }

    /// True when file modes bind this test process (not root), or when it can drop to `nobody`.
    static var canFeelFileModes: Bool {
        getuid() != 0 || FileManager.default.isExecutableFile(atPath: setprivPath)
    }

    /// Starts `jackpotd ARGUMENTS`, its stderr (the log) going to `logPath`.
    /// `executable` runs another program the same way (Litestream), its stdout
    /// into the log too when `outputToLog`.
    init(
        _ arguments: [String], logPath: String, environment: [String: String] = [:], unprivileged: Bool = false,
        executable: URL = DaemonProcess.binary, outputToLog: Bool = false
    ) throws {
        self.logPath = logPath
        if unprivileged, getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: Self.setprivPath)
            process.arguments =
                ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", executable.path]
                + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardError = log
        process.standardOutput = outputToLog ? log : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Runs a command to its end; nil status if it did not end within `seconds`.
    static func run(
        _ arguments: [String], logPath: String, unprivileged: Bool = false, within seconds: Double = 30
    ) async throws -> (status: Int32?, errors: String) {
        let child = try DaemonProcess(arguments, logPath: logPath, unprivileged: unprivileged)
        let status = await child.waitForExit(within: seconds)
        if status == nil { child.send(SIGKILL) }
        return (status, child.log)
    }

    /// Gives `path` (and everything below it) to the user an unprivileged child runs as.
    static func handOver(_ path: String) {
        guard getuid() == 0 else { return }
        let owner = uid_t(nobody)
        let group = gid_t(nobody)
        chown(path, owner, group)
        if let enumerator = FileManager.default.enumerator(atPath: path) {
            for case let name as String in enumerator { chown(path + "/" + name, owner, group) }
        }
    }

    var pid: Int32 { process.processIdentifier }

    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits up to `seconds` for exit; returns the exit status, or nil if still running.
    func waitForExit(within seconds: Double) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        // A cancelled test (its time limit passed) stops waiting at once instead of spinning.
        while process.isRunning, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until `jackpotd run` has logged `event=start` (its signal handlers are
    /// in place from then on) or has exited. A signal sent earlier would meet the
    /// default action and end the process before it could stop cleanly.
    func waitForStart(within seconds: Double = 30) async {
        _ = await eventually(within: seconds) { log.contains("event=start") || !process.isRunning }
    }

    deinit {
        // Never waitUntilExit() here: it can hang when called off the launching thread.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

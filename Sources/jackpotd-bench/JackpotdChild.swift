import Foundation
import JackpotCLI

/// A `jackpotd` command as a child process.
///
/// The child is this very executable re-run as `jackpotd-bench jackpotd ARGS…`,
/// which hands ARGS to `CommandLineTool` exactly as the `jackpotd` binary does.
/// `swift run jackpotd-bench` rebuilds only this product, so a sibling
/// `jackpotd` binary could be stale; the re-run is always the code just built.
final class JackpotdChild {
    /// The first argument that switches this executable into `jackpotd` mode.
    static let modeArgument = "jackpotd"

    let process = Process()
    /// Signalled by the termination handler: waiting on it costs no polling delay.
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `jackpotd ARGUMENTS`; stderr (the log) goes to `logPath`, stdout to `outputPath`.
    init(_ arguments: [String], logPath: String, outputPath: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = [Self.modeArgument] + arguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        if let outputPath {
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Blocks until the child exits; its exit status.
    func waitForExit() -> Int32 {
        exited.wait()
        exited.signal()  // later waits return at once
        return process.terminationStatus
    }

    /// The child's memory from /proc/PID/status, in KiB.
    struct Memory {
        /// VmRSS: everything resident, shared library pages included.
        var resident: Int
        /// VmHWM: the peak of `resident`.
        var peak: Int
        /// RssAnon: heap, stacks, SQLite's page cache — the process's own memory.
        var anonymous: Int
        /// RssFile: resident pages of mapped files (the executable and shared libraries).
        var file: Int
    }

    func memory() -> Memory? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kilobytes(_ key: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
        }
        guard let resident = kilobytes("VmRSS"), let peak = kilobytes("VmHWM"),
            let anonymous = kilobytes("RssAnon"), let file = kilobytes("RssFile")
        else { return nil }
        return Memory(resident: resident, peak: peak, anonymous: anonymous, file: file)
    }

    /// CPU time the child has used (user + system).
    func cpuTime() -> Duration? { ProcessCPU.of(pid: pid) }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            exited.wait()
        }
    }

    /// Runs `jackpotd ARGUMENTS` in this process (the child side of the re-run); never returns.
    /// When set, a child writes its peak RSS (VmHWM, KiB) to this file before exiting.
    static let peakFileVariable = "JACKPOTD_BENCH_PEAK_RSS_FILE"

    static func runAsJackpotd(_ arguments: [String]) async -> Never {
        let output = TextOutput.standardOutput()
        let errors = TextOutput.standardError()
        let context = CommandContext(output: output, errors: errors, environment: ProcessInfo.processInfo.environment)
        let code = await CommandLineTool.run(arguments, context: context)
        output.flush()
        errors.flush()
        // The peak RSS of this command, for benches that measure one that exits (its
        // /proc entry is gone by the time the parent could read it). VmHWM, not
        // getrusage's ru_maxrss: Linux keeps ru_maxrss across execve, so a child
        // forked from a bench that just built a big outbox would report the bench's peak.
        if let path = ProcessInfo.processInfo.environment[peakFileVariable],
            let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
        {
            try? "\(kilobytes)\n".write(toFile: path, atomically: false, encoding: .utf8)
        }
        exit(code.rawValue)
    }
}

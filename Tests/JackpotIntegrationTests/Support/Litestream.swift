import Foundation
import TestSupport
import Testing
import TestSupport

/// Litestream 0.5 as the replication tests run it: the binary that
/// `.ci/install-litestream` puts in `.build/venv` (else one on PATH),
/// `Deploy/litestream.yml` rewritten for temporary directories, and how far a
/// `file` replica has got.
enum Litestream {
    /// The shipped config's paths, replaced by a test's.
    static let shippedDatabase = "/var/lib/jackpotd/outbox.sqlite3"
    static let shippedReplica = "/srv/jackpotd-replica/outbox"

    static var shippedConfigPath: String { DocsText.packageRoot + "/Deploy/litestream.yml" }

    /// The binary, or a test failure that says how to get it.
    static func binary(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        var candidates = [DocsText.packageRoot + "/.build/venv/bin/litestream"]
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append(directory + "/litestream")
        }
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        let path = try #require(
            found, "Litestream is not installed: run .ci/install-deps (it installs it in .build/venv)",
            sourceLocation: sourceLocation)
        return URL(fileURLWithPath: path)
    }

    /// `Deploy/litestream.yml` as an operator installs it with its `file` replica:
    /// the S3 block taken out, the commented `file` block put in its place, and
    /// the outbox and replica paths replaced.
    static func config(database: String, replica: String) throws -> String {
        var lines = try String(contentsOfFile: shippedConfigPath, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let active = try #require(lines.firstIndex(of: "    replica:"), "Deploy/litestream.yml has no active replica block")
        let activeEnd = lines[active...].firstIndex(of: "") ?? lines.count
        lines.removeSubrange(active..<activeEnd)
        var line = try #require(
            lines.firstIndex(of: "    # replica:"), "Deploy/litestream.yml has no commented file replica block")
        while line < lines.count, lines[line].hasPrefix("    # ") {
            lines[line] = "    " + lines[line].dropFirst(6)
            line += 1
        }
        return lines.joined(separator: "\n")
            .replacingOccurrences(of: shippedDatabase, with: database)
            .replacingOccurrences(of: shippedReplica, with: replica)
    }

    /// The newest transaction a `file` replica holds (its `ltx/LEVEL/MIN-MAX.ltx`
    /// files), 0 when it holds none. A change set written after a commit holds that commit.
    static func replicaTransaction(_ replica: String) -> UInt64 {
        let files = FileManager.default
        var newest: UInt64 = 0
        for level in (try? files.contentsOfDirectory(atPath: replica + "/ltx")) ?? [] {
            for name in (try? files.contentsOfDirectory(atPath: replica + "/ltx/" + level)) ?? [] where name.hasSuffix(".ltx") {
                let range = name.dropLast(4).split(separator: "-")
                if range.count == 2, let last = UInt64(range[1], radix: 16) { newest = max(newest, last) }
            }
        }
        return newest
    }

    /// `litestream replicate -config CONFIG` as a child, its log in `logPath`.
    static func replicate(config: String, logPath: String) throws -> DaemonProcess {
        try DaemonProcess(["replicate", "-config", config], logPath: logPath, executable: binary(), outputToLog: true)
    }

    /// Runs one Litestream command to its end; nil status if it did not end within `seconds`.
    static func run(_ arguments: [String], logPath: String, within seconds: Double = 60) async throws -> (
        status: Int32?, log: String
    ) {
        let child = try DaemonProcess(arguments, logPath: logPath, executable: binary(), outputToLog: true)
        let status = await child.waitForExit(within: seconds)
        if status == nil { child.send(SIGKILL) }
        return (status, child.log)
    }
}

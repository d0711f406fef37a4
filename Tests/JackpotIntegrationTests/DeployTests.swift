import Foundation
import Testing
import JackpotDelivery
import JackpotWire
import OperatorSimulator
import TestSupport

/// Checks the files under Deploy/ the way an operator's machine would use
/// them: the real install script into a staging root, systemd's own analyser
/// on the unit, promtool on the alert rules.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DeployTests {
    // MARK: install.sh

    @Test func installScriptStagesEveryFileWithItsMode() throws {
        let scratch = try Scratch()
        let binary = try scratch.file("jackpotd-build", contents: "#!/bin/sh\necho fake jackpotd\n", mode: 0o755)
        let root = scratch.path("root")

        let run = try Tool.run("/bin/bash", [Deploy.path("install.sh"), "--binary", binary], environment: ["DESTDIR": root])
        #expect(run.status == 0, "install.sh failed: \(run.output)")
        #expect(run.output.contains("skipping"), "a DESTDIR install must say it leaves the live system alone")

        let expected: [(String, Int)] = [
            ("/usr/local/bin/jackpotd", 0o755),
            ("/etc/systemd/system/jackpotd.service", 0o644),
            ("/etc/systemd/system/jackpotd-backup.service", 0o644),
            ("/etc/systemd/system/jackpotd-backup.timer", 0o644),
            ("/usr/local/lib/sysusers.d/jackpotd.conf", 0o644),
            ("/usr/local/lib/tmpfiles.d/jackpotd.conf", 0o644),
            ("/etc/jackpotd", 0o750),
            ("/etc/jackpotd/config.json", 0o640),
            ("/etc/jackpotd/secrets", 0o750),
            ("/usr/local/share/jackpotd/jackpotd-alerts.yml", 0o644),
            ("/usr/local/share/jackpotd/litestream.yml", 0o644),
            ("/usr/local/share/jackpotd/jackpotd-dashboard.json", 0o644),
            ("/usr/local/share/man/man1/jackpotd.1", 0o644),
            ("/usr/local/share/bash-completion/completions/jackpotd", 0o644),
        ]
        for (path, mode) in expected {
            #expect(try Files.mode(root + path) == mode, "\(path) should have mode \(String(mode, radix: 8))")
        }
        #expect(try Files.text(root + "/usr/local/bin/jackpotd") == Files.text(binary))
        #expect(try Files.text(root + "/etc/jackpotd/config.json") == Files.text(Deploy.path("config.example.json")))
        #expect(try Files.text(root + "/usr/local/share/man/man1/jackpotd.1") == Files.text(Deploy.path("jackpotd.1")))
        #expect(
            try Files.text(root + "/usr/local/share/bash-completion/completions/jackpotd")
                == Files.text(Deploy.path("bash-completion/jackpotd")))
        let unit = try Files.text(root + "/etc/systemd/system/jackpotd.service")
        #expect(unit.contains("ExecStart=/usr/local/bin/jackpotd run --config /etc/jackpotd/config.json"))
        let backup = try Files.text(root + "/etc/systemd/system/jackpotd-backup.service")
        #expect(backup.contains("ExecStart=/usr/local/bin/jackpotd backup --into /var/lib/jackpotd/backups --keep 14"))
    }

    /// What install.sh installs must run on a server without the Swift toolchain.
    @Test(.timeLimit(.minutes(15)))
    func installedBinaryLinksTheSwiftRuntimeStatically() throws {
        let binary = try StaticBinary.path()
        let ldd = try Tool.run("/usr/bin/ldd", [binary], environment: [:])
        #expect(ldd.status == 0, "\(ldd.output)")
        #expect(ldd.output.contains("libsqlite3") && ldd.output.contains("libcurl"), "\(ldd.output)")
        #expect(!ldd.output.contains("swift"), "a toolchain library is still loaded:\n\(ldd.output)")
        // It runs with no toolchain library path at all.
        let help = try Tool.run(binary, ["--help"], environment: ["PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": ""])
        #expect(help.status == 0 && help.output.contains("jackpotd"), "\(help.output)")
    }

    @Test func installScriptRefusesABinaryThatNeedsTheToolchain() throws {
        let scratch = try Scratch()
        let dynamic = DaemonProcess.binary.path  // the debug build: libswiftCore from the toolchain
        let run = try Tool.run(
            "/bin/bash", [Deploy.path("install.sh"), "--binary", dynamic], environment: ["DESTDIR": scratch.path("root")])
        #expect(run.status == 2, "\(run.output)")
        #expect(run.output.contains("--static-swift-stdlib"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("root") + "/usr/local/bin/jackpotd"))
    }

    @Test func reinstallKeepsEditedConfigAndSecrets() throws {
        let scratch = try Scratch()
        let binary = try scratch.file("jackpotd-build", contents: "v1\n", mode: 0o755)
        let root = scratch.path("root")
        let first = try Tool.run("/bin/bash", [Deploy.path("install.sh"), "--binary", binary], environment: ["DESTDIR": root])
        #expect(first.status == 0, "install.sh failed: \(first.output)")

        let config = root + "/etc/jackpotd/config.json"
        let secret = root + "/etc/jackpotd/secrets/casino-a"
        try "{\"edited\": true}\n".write(toFile: config, atomically: false, encoding: .utf8)
        try "s3cret".write(toFile: secret, atomically: false, encoding: .utf8)
        let upgraded = try scratch.file("jackpotd-build-2", contents: "v2\n", mode: 0o755)

        let second = try Tool.run("/bin/bash", [Deploy.path("install.sh"), "--binary", upgraded], environment: ["DESTDIR": root])
        #expect(second.status == 0, "second install.sh failed: \(second.output)")
        #expect(second.output.contains("kept existing"))
        #expect(try Files.text(config) == "{\"edited\": true}\n")
        #expect(try Files.text(secret) == "s3cret")
        #expect(try Files.text(root + "/usr/local/bin/jackpotd") == "v2\n", "the binary is upgraded")
    }

    @Test func installScriptHonoursPrefixAndRejectsBadInput() throws {
        let scratch = try Scratch()
        let binary = try scratch.file("jackpotd-build", contents: "x\n", mode: 0o755)
        let root = scratch.path("root")

        let usr = try Tool.run(
            "/bin/bash", [Deploy.path("install.sh"), "--binary", binary],
            environment: ["DESTDIR": root, "PREFIX": "/usr"])
        #expect(usr.status == 0, "install.sh failed: \(usr.output)")
        #expect(try Files.mode(root + "/usr/bin/jackpotd") == 0o755)
        let unit = try Files.text(root + "/usr/lib/systemd/system/jackpotd.service")
        #expect(unit.contains("ExecStart=/usr/bin/jackpotd run "))

        let missing = try Tool.run(
            "/bin/bash", [Deploy.path("install.sh"), "--binary", scratch.path("nope")],
            environment: ["DESTDIR": root])
        #expect(missing.status == 2)
        #expect(missing.output.contains("no executable"))

        let help = try Tool.run("/bin/bash", [Deploy.path("install.sh"), "--help"], environment: [:])
        #expect(help.status == 0)
        #expect(help.output.contains("DESTDIR"))
    }

    // MARK: systemd

    @Test(arguments: ["jackpotd.service", "jackpotd-backup.service"])
    func unitExposureIsTwoOrLower(_ name: String) throws {
        let analyze = try Tool.require("systemd-analyze", package: "systemd")
        let run = try Tool.run(analyze, ["security", "--offline=yes", Deploy.path(name)], environment: [:])
        // "→ Overall exposure level for jackpotd.service: 1.1 OK 🙂"
        let line = run.output.split(separator: "\n").first { $0.contains("Overall exposure level") }
        let figure = line.flatMap { $0.split(separator: ":").last?.split(separator: " ").first }.flatMap { Double(String($0)) }
        guard let figure else {
            Issue.record("no exposure figure in systemd-analyze output:\n\(run.output)")
            return
        }
        #expect(figure <= 2.0, "exposure \(figure) is above 2.0:\n\(run.output)")
    }

    @Test func unitPassesSystemdVerify() throws {
        let analyze = try Tool.require("systemd-analyze", package: "systemd")
        // verify insists the ExecStart binary exists; this machine has no
        // installed jackpotd, so check a copy that runs /bin/true instead.
        let scratch = try Scratch()
        var copies: [String] = []
        for name in ["jackpotd.service", "jackpotd-backup.service", "jackpotd-backup.timer"] {
            let unit = try Files.text(Deploy.path(name))
                .replacingOccurrences(of: "ExecStart=/usr/local/bin/jackpotd ", with: "ExecStart=/bin/true ")
            copies.append(try scratch.file(name, contents: unit, mode: 0o644))
        }
        let run = try Tool.run(analyze, ["verify"] + copies, environment: [:])
        #expect(run.status == 0, "systemd-analyze verify failed:\n\(run.output)")
        #expect(!run.output.contains(".service:") && !run.output.contains(".timer:"), "verify complained:\n\(run.output)")
    }

    /// Lease rescue after a `kill -9` needs this boot's id. `ProcSubset=pid` hides
    /// `/proc/sys/kernel/random/boot_id`; under it the unit must hand the id in
    /// (`%b`) through the variable the daemon reads before that file.
    @Test func unitDoesNotHideTheBootIdLeaseRescueReads() throws {
        let lines = try Files.text(Deploy.path("jackpotd.service")).split(separator: "\n").map(String.init)
        let hidesProcSys = lines.contains("ProcSubset=pid")
        let passed = lines.contains { $0.hasPrefix("Environment=") && $0.contains("JACKPOTD_BOOT_ID=%b") }
        #expect(!hidesProcSys || passed, "ProcSubset=pid without Environment=JACKPOTD_BOOT_ID=%b")
    }

    /// A config error is exit 2; restarting cannot fix it, so the unit must not loop.
    @Test func configErrorsDoNotRestartTheUnit() throws {
        let unit = try Files.text(Deploy.path("jackpotd.service"))
        #expect(unit.contains("\nRestart=on-failure\n"))
        #expect(unit.contains("\nRestartPreventExitStatus=2\n"))
    }

    // Root only: creating the jackpotd user and chowning its directories is what is
    // checked, and no other user may. Skipped (with this reason shown) otherwise.
    @Test(.enabled(if: getuid() == 0, "systemd-tmpfiles --root needs root to chown"))
    func sysusersAndTmpfilesCreateUserAndDirectories() throws {
        let sysusers = try Tool.require("systemd-sysusers", package: "systemd")
        let tmpfiles = try Tool.require("systemd-tmpfiles", package: "systemd")
        let scratch = try Scratch()
        let root = scratch.path("root")
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)

        let users = try Tool.run(sysusers, ["--root=" + root, Deploy.path("sysusers.d/jackpotd.conf")], environment: [:])
        #expect(users.status == 0, "\(users.output)")
        let passwd = try Files.text(root + "/etc/passwd")
        let group = try Files.text(root + "/etc/group")
        let uid = try #require(Files.id(of: "jackpotd", in: passwd), "no jackpotd user in \(passwd)")
        let gid = try #require(Files.id(of: "jackpotd", in: group))
        let metricsGid = try #require(Files.id(of: "jackpotd-metrics", in: group))

        let dirs = try Tool.run(
            tmpfiles, ["--root=" + root, "--create", Deploy.path("tmpfiles.d/jackpotd.conf")], environment: [:])
        #expect(dirs.status == 0, "\(dirs.output)")
        let expected: [(String, Int, UInt32, UInt32)] = [
            ("/var/lib/jackpotd", 0o750, uid, gid),
            ("/var/lib/jackpotd/metrics", 0o750, uid, metricsGid),
            ("/var/lib/jackpotd/backups", 0o700, uid, gid),
            ("/etc/jackpotd", 0o750, 0, gid),
            ("/etc/jackpotd/secrets", 0o750, 0, gid),
        ]
        for (path, mode, owner, groupID) in expected {
            let info = try Files.stat(root + path)
            #expect(Int(info.st_mode & 0o7777) == mode, "\(path) mode")
            #expect(info.st_uid == owner && info.st_gid == groupID, "\(path) owner \(info.st_uid):\(info.st_gid)")
        }
    }

    // MARK: Prometheus

    @Test func alertRulesPassPromtool() throws {
        let promtool = try Tool.require("promtool", package: "prometheus")
        let check = try Tool.run(promtool, ["check", "rules", Deploy.path("prometheus/jackpotd-alerts.yml")], environment: [:])
        #expect(check.status == 0, "promtool check rules:\n\(check.output)")
        #expect(check.output.contains("SUCCESS"))
        // The unit tests fire each alert on made-up series and check it stays
        // quiet when it should.
        let test = try Tool.run(
            promtool, ["test", "rules", Deploy.path("prometheus/jackpotd-alerts.test.yml")], environment: [:])
        #expect(test.status == 0, "promtool test rules:\n\(test.output)")
    }

    /// The rules against what the daemon really writes: a fresh daemon's file,
    /// then the same file after its first failed win, fed to `promtool test
    /// rules` as ten minutes of the one followed by the other. A failed series
    /// that only appears with the failure shows `delta`/`increase` no change,
    /// and JackpotdWinsFailed would never fire.
    @Test func theFirstFailedWinOfAFreshDaemonFiresJackpotdWinsFailed() async throws {
        let promtool = try Tool.require("promtool", package: "prometheus")
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "alert-secret")
        defer { wallet.stop() }
        wallet.setFaultPlan { _ in .errorCode(999, description: "Rejected") }  // a no-retry code: failed at once
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: "alert-secret", extra: fastDelivery())
            ])
        let file = directory.path("jackpotd.prom")
        var settings = Dispatcher.Settings()
        settings.metricsFile = file
        settings.metricsIntervalMilliseconds = 100
        let daemon = try RunningDispatcher(configPath: config, settings: settings)
        func failedSeries() -> [String: String] {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            var series: [String: String] = [:]
            for line in text.split(separator: "\n")
            where !line.hasPrefix("#")
                && (line.contains("state=\"failed\"") || line.contains("outcome=\"failed\""))
            {
                let parts = line.split(separator: " ")
                if parts.count == 2 { series[String(parts[0])] = String(parts[1]) }
            }
            return series
        }
        let failedWins = "jackpotd_wins{operator=\"casino-a\",state=\"failed\"}"
        let failedAttempts = "jackpotd_attempts_total{operator=\"casino-a\",outcome=\"failed\"}"

        let started = await eventually {
            (try? String(contentsOfFile: file, encoding: .utf8))?.contains("jackpotd_circuit_open") == true
        }
        let before = failedSeries()
        try OutboxProbe(directory.path("outbox.sqlite3")).enqueue(["alert-1"], operator: "casino-a")
        let failed = await eventually { failedSeries()[failedWins] == "1" && failedSeries()[failedAttempts] == "1" }
        let after = failedSeries()
        try await daemon.stop()
        try #require(started && failed, "metrics before: \(before), after: \(after)")

        var rules = """
            rule_files:
              - \(Deploy.path("prometheus/jackpotd-alerts.yml"))
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:

            """
        for name in Set(before.keys).union(after.keys).sorted() {
            // node_exporter's textfile collector adds `instance`; `_` is "no sample".
            let series = name.replacingOccurrences(of: "{", with: "{instance=\"h1\",")
            rules += "      - series: '\(series)'\n        values: '\(before[name] ?? "_")x9 \(after[name] ?? "_")x20'\n"
        }
        rules += """
                alert_rule_test:
                  - eval_time: 12m
                    alertname: JackpotdWinsFailed
                    exp_alerts:
                      - exp_labels: { severity: warning, instance: h1, operator: casino-a }
                        exp_annotations:
                          summary: "jackpotd: new failed wins for casino-a"
                          description: "Inspect with `jackpotd list --state failed --operator casino-a`, then `retry` or `cancel`."

            """
        let test = try Tool.run(promtool, ["test", "rules", directory.write("from-daemon.test.yml", rules)], environment: [:])
        #expect(test.status == 0, "a fresh daemon's first failed win must fire JackpotdWinsFailed:\n\(test.output)\n\(rules)")
    }

    // MARK: example config

    @Test func exampleConfigHasTheDocumentedOperators() throws {
        let text = try Files.text(Deploy.path("config.example.json"))
        let config = try #require(try JSONValue.parse(text).objectValue)
        #expect(config["database"]?.stringValue == "/var/lib/jackpotd/outbox.sqlite3")
        let operators = try #require(config["operators"]?.objectValue)
        let casinoA = try #require(operators["casino-a"]?.objectValue)
        let casinoB = try #require(operators["casino-b"]?.objectValue)
        #expect(casinoA["encoding"]?.stringValue == "json")
        #expect(casinoB["encoding"]?.stringValue == "form")
        #expect(casinoB["amountDecimals"] == .number("2"))
        #expect(casinoB["url"]?.stringValue?.contains("?authToken=") == true)
        for (name, value) in operators.members {
            let secretFile = value.objectValue?["secretFile"]?.stringValue
            #expect(secretFile == "/etc/jackpotd/secrets/\(name)", "\(name) reads its secret from a file")
            #expect(value.objectValue?["secret"] == nil, "no inline secret in the example")
            #expect(value.objectValue?["url"]?.stringValue?.hasPrefix("https://") == true)
        }
    }
}

// MARK: - Helpers

/// Paths of files under Deploy/, found from this source file's location so the
/// tests do not depend on the working directory `swift test` was started in.
/// The release binary as `make release` builds it (into `.build-static`, beside
/// the tests' own build); built here when a plain `swift test` has not.
private enum StaticBinary {
    static func path() throws -> String {
        let packageRoot = (Deploy.root as NSString).deletingLastPathComponent
        let binary = packageRoot + "/.build-static/release/jackpotd"
        if !FileManager.default.isExecutableFile(atPath: binary) {
            let build = try Tool.run(
                "/usr/bin/env",
                [
                    "swift", "build", "--package-path", packageRoot, "-c", "release", "--static-swift-stdlib",
                    "--product", "jackpotd", "--scratch-path", packageRoot + "/.build-static",
                ],
                environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
            try #require(build.status == 0, "make release failed:\n\(build.output)")
        }
        return binary
    }
}

private enum Deploy {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/JackpotKitTests/DeployTests.swift
        return url.appendingPathComponent("Deploy").path
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }
}

/// A temporary directory per test (tests run in parallel), removed afterwards.
private final class Scratch {
    let root: String

    init() throws {
        root =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("DeployTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ name: String) -> String { root + "/" + name }

    func file(_ name: String, contents: String, mode: Int) throws -> String {
        let path = path(name)
        try contents.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }
}

private enum Files {
    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    static func stat(_ path: String) throws -> Glibc.stat {
        var info = Glibc.stat()
        guard lstat(path, &info) == 0 else { throw ToolError("cannot stat \(path): errno \(errno)") }
        return info
    }

    static func mode(_ path: String) throws -> Int { Int(try stat(path).st_mode & 0o7777) }

    /// The numeric id of `name` in a passwd- or group-format file.
    static func id(of name: String, in database: String) -> UInt32? {
        for line in database.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count > 2, fields[0] == name { return UInt32(fields[2]) }
        }
        return nil
    }
}

private struct ToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private enum Tool {
    struct Result {
        let status: Int32
        /// stdout and stderr interleaved, as a person would see them.
        let output: String
    }

    /// The absolute path of `name` on PATH, or an error that says how to get it.
    static func require(_ name: String, package: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ToolError("\(name) is not installed: install the Debian package '\(package)' (.ci/install-deps does)")
    }

    /// Runs a program to completion. `environment` is added to this process's,
    /// minus PREFIX and DESTDIR so a developer's shell cannot leak into install.sh.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged["PREFIX"] = nil
        merged["DESTDIR"] = nil
        merged.merge(environment) { _, new in new }
        process.environment = merged
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

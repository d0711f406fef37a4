import Foundation
import Testing
import JackpotCLI
import TestSupport

/// What `jackpotd run` needs from the machine besides a valid config, and what
/// a user who may not open the outbox is told. `check` finds what `run` would
/// stop on; `run` stops on it with exit 2, which the unit does not restart
/// (`RestartPreventExitStatus=2`), instead of exit 1 in a restart loop.
/// Permissions mean nothing to root: those cases run the real binary as
/// `nobody` through `setpriv`, against a state directory of user `daemon`.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct RunEnvironmentTests {
    static let daemonUser: uid_t = 1

    /// A config (readable by `nobody`) whose database is `database`.
    static func config(in directory: TemporaryDirectory, database: String) -> String {
        writeConfig(
            in: directory, database: database,
            operators: [
                TestOperator(name: "casino-a", url: "http://127.0.0.1:9/win", secret: "env-secret")
            ])
    }

    @Test func aMissingDatabaseDirectoryFailsCheckAndStopsRunWithExit2() async throws {
        let directory = TemporaryDirectory()
        let missing = directory.path("state")
        let config = Self.config(in: directory, database: missing + "/outbox.sqlite3")

        let check = await runCLI(["check", "--config", config])
        #expect(check.code == .usage, "\(check.output)")
        #expect(
            firstLine(check.errors).hasPrefix(
                "jackpotd check: error: \(config): database: directory \(missing) does not exist: create it for the service user"),
            "\(check.errors)")
        let run = await runCLI(["run", "--config", config])
        #expect(run.code == .usage)
        #expect(firstLine(run.errors).hasPrefix("jackpotd run: error: directory \(missing) does not exist"), "\(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func aConfigWithoutDatabaseFailsCheck() async throws {
        let directory = TemporaryDirectory()
        let secret = directory.write("secrets/casino-a", "env-secret")
        let config = directory.write(
            "config.json",
            """
            {"providerId": "luckymonaco", "operators": {"casino-a": {"url": "http://127.0.0.1:9/win",
             "secretFile": "\(secret)", "allowInsecureHTTP": true}}}
            """)
        let check = await runCLI(["check", "--config", config])
        #expect(check.code == .usage, "\(check.output)")
        #expect(check.errors.contains("\(config): database: missing: `jackpotd run` needs the outbox's path"), "\(check.errors)")
        // With --db the same config is fine: that is what run would use.
        let withDatabase = await runCLI(["check", "--config", config, "--db", directory.path("outbox.sqlite3")])
        #expect(withDatabase.code == .success, "\(withDatabase.errors)")
    }

    @Test func checkLooksAtTheMetricsFilesDirectory() async throws {
        let directory = TemporaryDirectory()
        let config = Self.config(in: directory, database: directory.path("outbox.sqlite3"))
        let metrics = directory.path("metrics")
        let missing = await runCLI(["check", "--config", config, "--metrics-file", metrics + "/jackpotd.prom"])
        #expect(missing.code == .usage)
        #expect(missing.errors.contains("--metrics-file: directory \(metrics) does not exist"), "\(missing.errors)")
        try FileManager.default.createDirectory(atPath: metrics, withIntermediateDirectories: false)
        let present = await runCLI(["check", "--config", config, "--metrics-file", metrics + "/jackpotd.prom"])
        #expect(present.code == .success, "\(present.errors)")
    }

    // MARK: as an unprivileged user

    /// A scratch directory `nobody` owns (config, secrets, logs) with a state
    /// directory of user `daemon` in it.
    final class Machine {
        let directory = TemporaryDirectory()
        let state: String
        let database: String
        let config: String
        private var runs = 0

        init(stateGroup: gid_t = 1, stateMode: mode_t) throws {
            state = directory.path("state")
            database = state + "/outbox.sqlite3"
            config = RunEnvironmentTests.config(in: directory, database: database)
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
            DaemonProcess.handOver(directory.path)
            chown(state, RunEnvironmentTests.daemonUser, stateGroup)
            chmod(state, stateMode)
        }

        /// An outbox in the state directory, owned by `daemon` with `mode`.
        func createOutbox(group: gid_t = 1, mode: mode_t) async throws {
            #expect(await runCLI(["enqueue", "--create", "--db", database, "--file", "/dev/null"]).code == .success)
            chown(database, RunEnvironmentTests.daemonUser, group)
            chmod(database, mode)
        }

        func jackpotd(_ arguments: [String]) async throws -> (status: Int32?, errors: String) {
            runs += 1
            return try await DaemonProcess.run(
                arguments + ["--config", config], logPath: directory.path("run-\(runs).log"), unprivileged: true)
        }
    }

    @Test(.enabled(if: getuid() == 0 && DaemonProcess.canFeelFileModes, "needs root and setpriv"))
    func aStateDirectoryTheUserCannotWriteFailsCheckAndStopsRun() async throws {
        let machine = try Machine(stateMode: 0o755)
        let denied =
            "permission denied: user nobody (uid 65534) cannot create files in \(machine.state)"
            + " (owner daemon, group daemon, mode 0755); run as the service user: sudo -u daemon jackpotd …"

        let check = try await machine.jackpotd(["check"])
        #expect(check.status == 2, "\(check.errors)")
        #expect(check.errors.contains("\(machine.config): database: \(denied)"), "\(check.errors)")
        let run = try await machine.jackpotd(["run"])
        #expect(run.status == 2, "\(run.errors)")
        #expect(firstLine(run.errors) == "jackpotd run: error: \(denied)", "\(run.errors)")
    }

    @Test(.enabled(if: getuid() == 0 && DaemonProcess.canFeelFileModes, "needs root and setpriv"))
    func aUserWhoCannotEnterTheStateDirectoryIsToldPermissionDenied() async throws {
        let machine = try Machine(stateMode: 0o750)
        try await machine.createOutbox(mode: 0o600)

        let status = try await machine.jackpotd(["status"])
        #expect(status.status == 1, "\(status.errors)")
        #expect(
            firstLine(status.errors) == "jackpotd status: error: permission denied: user nobody (uid 65534) cannot enter "
                + "\(machine.state) (owner daemon, group daemon, mode 0750); run as the service user: sudo -u daemon jackpotd …",
            "\(status.errors)")
    }

    @Test(.enabled(if: getuid() == 0 && DaemonProcess.canFeelFileModes, "needs root and setpriv"))
    func aGroupMemberWhoCannotOpenTheOutboxIsToldPermissionDenied() async throws {
        let nogroup = gid_t(DaemonProcess.nobody)
        let machine = try Machine(stateGroup: nogroup, stateMode: 0o750)
        try await machine.createOutbox(group: nogroup, mode: 0o600)

        let list = try await machine.jackpotd(["list"])
        #expect(list.status == 1, "\(list.errors)")
        #expect(
            firstLine(list.errors) == "jackpotd list: error: permission denied: user nobody (uid 65534) cannot read and write "
                + "\(machine.database) (owner daemon, group nogroup, mode 0600); run as the service user: sudo -u daemon jackpotd …",
            "\(list.errors)")
        let run = try await machine.jackpotd(["run"])
        #expect(run.status == 2, "\(run.errors)")
        #expect(run.errors.contains("cannot read and write \(machine.database)"), "\(run.errors)")
    }
}

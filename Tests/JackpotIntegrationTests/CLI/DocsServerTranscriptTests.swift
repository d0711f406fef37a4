import Foundation
import Testing
import JackpotCLI
import JackpotStore
import TestSupport

/// The shell examples outside the CLI reference's main example print what the
/// binary prints: docs/platform.md's "From the CLI", and docs/operations.md's
/// "Backup and restore", whose blocks are a server's shell session: `jp` is `jackpotd` with the
/// installed config, paths are under `/var/lib/jackpotd` and `/tmp`, and
/// `systemctl stop/start jackpotd` stops and starts the daemon. Here the server's
/// root is a temporary directory, the daemon a real `jackpotd run` child, and
/// each command's output is compared after `TranscriptNormalizer`.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DocsServerTranscriptTests {
    @Test func backupAndRestoreShowWhatTheBinaryPrints() async throws {
        let docs = try DocsText(DocsText.operations)
        let section = try #require(docs.section("### Backup and restore"), "\(docs.page) has no Backup and restore")
        let server = TemporaryDirectory()
        let root = server.path
        try FileManager.default.createDirectory(atPath: root + "/var/lib/jackpotd/backups", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/tmp", withIntermediateDirectories: true)
        let database = root + "/var/lib/jackpotd/outbox.sqlite3"
        let config = writeConfig(
            in: server, database: database,
            operators: [
                TestOperator(name: "casino-a", url: "http://127.0.0.1:9/V4/JackPotWin", secret: "backup-secret")
            ])
        try OutboxProbe(database).enqueue(["backup-0001"], operator: "casino-a")

        var daemon: DaemonProcess?
        func startDaemon() async throws {
            let child = try DaemonProcess(["run", "--config", config], logPath: server.path("daemon-\(UUID().uuidString).log"))
            await child.waitForStart()
            daemon = child
        }
        func stopDaemon() async {
            daemon?.send(SIGTERM)
            _ = await daemon?.waitForExit(within: 60)
            daemon = nil
        }
        defer { daemon?.send(SIGKILL) }
        /// `jp ARGS`, its paths on the temporary server; output with the paths put back.
        func jp(_ arguments: [String]) async -> (output: String, code: Int32) {
            let mapped = arguments.map { argument in
                if argument.hasPrefix("/var/lib/jackpotd/backups/outbox-") {
                    // The page's backup, by its time: this run's one backup.
                    let name = (try? FileManager.default.contentsOfDirectory(atPath: root + "/var/lib/jackpotd/backups"))?
                        .sorted().last
                    return root + "/var/lib/jackpotd/backups/" + (name ?? "none")
                }
                return argument.hasPrefix("/var/") || argument.hasPrefix("/tmp/") ? root + argument : argument
            }
            let result = await runCLI(mapped, environment: ["JACKPOTD_CONFIG": config])
            return ((result.errors + result.output).replacingOccurrences(of: root, with: ""), result.code.rawValue)
        }

        var replayed = 0
        for (command, shown) in Self.commands(in: section) {
            let words = Array(DocsText.words(command).prefix { !$0.hasPrefix("#") })  // a shell comment ends it
            switch words.first {
            case "jp":
                let (printed, code) = await jp(Array(words.dropFirst()))
                #expect(
                    TranscriptNormalizer.normalize(printed) == TranscriptNormalizer.normalize(shown),
                    "\(docs.page): $ \(command)\n--- the page shows:\n\(shown)--- the binary printed:\n\(printed)")
                #expect(code == 0, "$ \(command): exit \(code)")
            case "sudo" where words == ["sudo", "systemctl", "stop", "jackpotd"]:
                await stopDaemon()
            case "sudo" where words == ["sudo", "systemctl", "start", "jackpotd"]:
                try await startDaemon()
                #expect(
                    daemon?.process.isRunning == true, "the daemon did not start on the restored outbox: \(daemon?.log ?? "")")
            default:
                Issue.record("\(docs.page): cannot replay \(command)")
            }
            replayed += 1
        }
        #expect(replayed == 5, "replayed \(replayed) commands of \(docs.page)")

        // The refusal the page shows, with the daemon (started above) running.
        let refusal = try #require(Self.refusal(in: section), "\(docs.page) shows no refusal of restore")
        let (printed, code) = await jp(["restore", "/tmp/before-upgrade.sqlite3"])
        #expect(
            TranscriptNormalizer.normalize(printed) == TranscriptNormalizer.normalize(refusal), "the binary printed:\n\(printed)")
        #expect(code == 1)
        await stopDaemon()
    }

    /// docs/platform.md's "From the CLI" example: `$ cat wins.jsonl` is the file, the
    /// enqueue prints what the page shows, and `echo $?` is its exit status.
    @Test func theEnqueueExampleShowsWhatTheBinaryPrints() async throws {
        let docs = try DocsText(DocsText.platform)
        let section = try #require(docs.section("### From the CLI"), "\(docs.page) has no From the CLI")
        let steps = Self.commands(in: section)
        try #require(
            steps.map(\.command.first) == ["c", "j", "e"], "\(docs.page)'s example changed shape: \(steps.map(\.command))")
        let server = TemporaryDirectory()
        let config = writeConfig(
            in: server, database: server.path("outbox.sqlite3"),
            operators: [
                TestOperator(name: "casino-a", url: "https://wallet.casino-a.example/V4/JackPotWin", secret: "enqueue-secret")
            ])
        _ = try Outbox(path: server.path("outbox.sqlite3"))
        let file = server.write("wins.jsonl", steps[0].output)
        let arguments = DocsText.words(steps[1].command).dropFirst().map { word in
            word == "/etc/jackpotd/config.json" ? config : word == "wins.jsonl" ? file : word
        }
        let result = await runCLI(Array(arguments))
        let printed = result.errors + result.output
        #expect(
            TranscriptNormalizer.normalize(printed) == TranscriptNormalizer.normalize(steps[1].output),
            "\(docs.page): $ \(steps[1].command)\n--- the page shows:\n\(steps[1].output)--- the binary printed:\n\(printed)")
        #expect(steps[2].command == "echo $?")
        #expect("\(result.code.rawValue)\n" == steps[2].output, "exit \(result.code.rawValue)")
        #expect(try OutboxProbe(server.path("outbox.sqlite3")).count(.pending) == 2)
    }

    /// Each `$ COMMAND` of the section's fenced blocks with the lines after it, up to the next command or the fence.
    static func commands(in section: String) -> [(command: String, output: String)] {
        var found: [(String, String)] = []
        var inFence = false
        var collecting = false
        for line in section.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                inFence.toggle()
                collecting = false
            } else if inFence, line.hasPrefix("$ ") {
                found.append((String(line.dropFirst(2)), ""))
                collecting = true
            } else if collecting {
                found[found.count - 1].1 += line + "\n"
            }
        }
        return found
    }

    /// The fenced block that shows `jackpotd restore` refusing: its one line.
    static func refusal(in section: String) -> String? {
        section.split(separator: "\n").first { $0.hasPrefix("jackpotd restore: error: a daemon is running") }.map { $0 + "\n" }
    }
}

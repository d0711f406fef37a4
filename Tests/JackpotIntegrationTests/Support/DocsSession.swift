import Foundation
import Testing
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotTelemetry
import JackpotStore
import TestSupport

/// Replays a documentation page's console transcripts against a real outbox
/// laid out as the page's examples are (`/tmp/jackpotd-docs` becomes a
/// temporary directory), and compares what the binary prints with the page
/// after `TranscriptNormalizer`.
///
/// Commands run in-process (`runCLI`, the code of the binary), except
/// `jackpotd run`, which is the real executable as a child, stopped with
/// `stopSignal` once `stopRunWhen` holds for its log. `$ cat FILE` on the page
/// defines FILE (the test writes the page's text there), `$ rm PATH` removes it. After a
/// pipe, `head -N`, `head -c N`, `tail -N`, `grep TEXT` and
/// `sed -n '/^A/,/^$/p'` are applied as the shell would; `[exit N]` is then
/// jackpotd's own status. `$ jackpotd … --help` transcripts are left to
/// `CLIReferenceTests`, which compares each with the binary's help.
///
/// With `JACKPOTD_DOCS_RECORD=1` in the environment the session also writes
/// what the binary printed back into the page in place of each transcript's
/// output (run one transcript suite at a time then): that is how the pages'
/// transcripts are produced.
final class DocsSession {
    static let sessionDirectory = "/tmp/jackpotd-docs"

    let docs: DocsText
    let directory = TemporaryDirectory()
    var root: String { directory.path }
    /// Set by the test once its config is written.
    var configPath = ""
    /// Files named bare in commands (`wins.jsonl`): absolute when passed, bare again in output.
    private(set) var files: Set<String> = []
    /// When the `jackpotd run` child is stopped: a condition on its log.
    var stopRunWhen: (String) -> Bool = { $0.contains("event=start") }
    /// How the `jackpotd run` child is stopped: SIGTERM (systemctl stop) or SIGINT (Ctrl-C).
    var stopSignal = SIGTERM
    /// Text the page shows (a wallet's public URL) and what stands for it here (a loopback URL):
    /// the local form in files and arguments, the shown form in output.
    var replacements: [(shown: String, local: String)] = []
    private(set) var replayed: Set<String> = []
    private var recordings: [(lines: Range<Int>, output: [String], exitCode: Int32?)] = []

    static var recording: Bool { ProcessInfo.processInfo.environment["JACKPOTD_DOCS_RECORD"] != nil }

    /// `page`, relative to the package root (`DocsText.operations`).
    init(page: String) throws {
        docs = try DocsText(page)
    }

    /// The environment of every command: the page's `export JACKPOTD_CONFIG`, and the ops trail's "by".
    var environment: [String: String] { ["JACKPOTD_CONFIG": configPath, "USER": "ops-alice"] }

    /// Writes `text` as the session's file `name` (bare in commands and output).
    @discardableResult
    func writeFile(_ name: String, _ text: String) -> String {
        files.insert(name)
        return directory.write(name, local(text.replacingOccurrences(of: Self.sessionDirectory, with: root)))
    }

    /// Replays the transcripts of `section` (all, or those at `indices`) in order.
    func replay(_ section: String, _ indices: Int..., sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let all = docs.transcripts(in: section)
        try #require(!all.isEmpty, "\(docs.page) has no transcripts in \(section)", sourceLocation: sourceLocation)
        for transcript in all where (indices.isEmpty || indices.contains(transcript.index)) && !transcript.isHelp {
            try await replay(transcript, sourceLocation: sourceLocation)
        }
    }

    private func replay(_ transcript: DocsText.Transcript, sourceLocation: SourceLocation) async throws {
        replayed.insert("\(transcript.section)#\(transcript.index)")
        let stages = Self.pipeline(transcript.command)
        var arguments = DocsText.words(stages[0])
        switch arguments.first {
        case "cat":
            writeFile(arguments[1], transcript.output)
            return
        case "rm":
            try FileManager.default.removeItem(atPath: mapped(arguments[1]))
            return
        case "export":
            return
        case "jackpotd":
            break
        default:
            Issue.record("\(docs.page): cannot replay \(transcript.command)", sourceLocation: sourceLocation)
            return
        }
        arguments.removeFirst()
        var input: String?
        if let redirect = arguments.firstIndex(of: "<"), redirect + 1 < arguments.count {
            input = mapped(arguments[redirect + 1])
            arguments.removeSubrange(redirect...(redirect + 1))
        }
        arguments = arguments.map(mapped)
        let (printed, code): (String, Int32)
        if arguments.first == "run" {
            (printed, code) = try await runDaemon(arguments)
        } else {
            let result = await runCLI(arguments, environment: environment, standardInputFile: input)
            // In-process, stderr and stdout are captured apart; errors and warnings come first.
            (printed, code) = (result.errors + result.output, result.code.rawValue)
        }
        var output = unmapped(printed)
        for stage in stages.dropFirst() { output = try Self.filter(output, through: stage) }
        #expect(
            TranscriptNormalizer.normalize(output) == TranscriptNormalizer.normalize(transcript.output),
            "\(docs.page) (\(transcript.section)): $ \(transcript.command)\n--- the page shows:\n\(transcript.output)--- the binary printed:\n\(output)",
            sourceLocation: sourceLocation)
        #expect(
            code == transcript.exitCode,
            "$ \(transcript.command): exit \(code), \(docs.page) says \(transcript.exitCode.map(String.init) ?? "none")",
            sourceLocation: sourceLocation)
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        recordings.append((transcript.outputLines, lines, code))
    }

    // MARK: Building the session's outbox

    /// The secret of operator `name` in the pages' examples, in `secrets/NAME`.
    static func secret(_ name: String) -> String { "readme-secret-\(name)" }  // the value the recorded hashes were made with

    /// The page's config block after `marker`, as this session's config: its paths in the
    /// temporary directory, each operator of `ports` on that live loopback port, its secret written.
    func writeConfig(blockAfter marker: String, ports: [String: Int]) throws {
        let text = try #require(docs.jsonBlock(after: marker), "\(docs.page) has no config after \(marker)")
        let local = text.replacingOccurrences(of: Self.sessionDirectory, with: root)
        var config = try #require(try JSONSerialization.jsonObject(with: Data(local.utf8)) as? [String: Any])
        var operators = try #require(config["operators"] as? [String: [String: Any]])
        for (name, port) in ports {
            var member = try #require(operators[name], "\(docs.page)'s config has no \(name)")
            let url = try #require(member["url"] as? String)
            member["url"] = url.replacingOccurrences(
                of: #"127\.0\.0\.1:\d+"#, with: "127.0.0.1:\(port)", options: .regularExpression)
            operators[name] = member
            directory.write("secrets/\(name)", Self.secret(name))
        }
        config["operators"] = operators
        let json = try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys, .withoutEscapingSlashes])
        configPath = directory.write("config.json", String(decoding: json, as: UTF8.self))
        let database = try #require(config["database"] as? String)
        try FileManager.default.createDirectory(
            atPath: (database as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    }

    /// Enqueues JSON Lines as the platform would (`enqueue --create --file`).
    func enqueue(_ lines: [String]) async throws {
        let file = directory.write("population-\(UUID().uuidString).jsonl", lines.joined(separator: "\n") + "\n")
        let result = await runCLI(["enqueue", "--create", "--file", file], environment: environment)
        try #require(result.code == .success, "enqueue failed: \(result.errors)")
    }

    /// The daemon's loop over real HTTP until `condition` holds on the outbox.
    func deliver(until condition: @escaping (Outbox) throws -> Bool) async throws {
        let config = try ConfigLoader.load(path: configPath, environment: [:]).config
        let databasePath = try #require(config.database)
        let service = DeliveryService(
            databasePath: databasePath, config: config,
            logger: Logger(format: .logfmt, minimumLevel: .error, sink: CapturingSink()))
        let daemon = Task { try await service.run() }
        let outbox = try Outbox(path: databasePath)
        let reached = try await eventually(within: 60) { try condition(outbox) }
        service.requestStop()
        try await daemon.value
        try #require(reached, "the outbox never reached the state \(docs.page)'s examples start from")
    }

    /// `jackpotd run …` as a child, stopped with `stopSignal` once `stopRunWhen` holds; its log and status.
    private func runDaemon(_ arguments: [String]) async throws -> (String, Int32) {
        let daemon = try DaemonProcess(
            arguments, logPath: directory.path("run-\(UUID().uuidString).log"), environment: environment)
        await daemon.waitForStart()
        let stopped = await eventually(within: 60) { stopRunWhen(daemon.log) || !daemon.process.isRunning }
        try #require(stopped, "jackpotd run never reached the state \(docs.page) shows:\n\(daemon.log)")
        daemon.send(stopSignal)
        let status = try #require(await daemon.waitForExit(within: 60), "jackpotd run did not stop on signal \(stopSignal)")
        return (daemon.log, status)
    }

    /// A path, file name or URL of the page as the test's: the session directory becomes the temporary one.
    func mapped(_ word: String) -> String {
        files.contains(word) ? directory.path(word) : local(word.replacingOccurrences(of: Self.sessionDirectory, with: root))
    }

    /// `text` with each of `replacements` in its local form.
    private func local(_ text: String) -> String {
        replacements.reduce(text) { $0.replacingOccurrences(of: $1.shown, with: $1.local) }
    }

    /// Output as the page's examples would print it: paths back to `/tmp/jackpotd-docs`, session files
    /// bare, replacements as shown.
    func unmapped(_ text: String) -> String {
        var text = replacements.reduce(text) { $0.replacingOccurrences(of: $1.local, with: $1.shown) }
        text = text.replacingOccurrences(of: root, with: Self.sessionDirectory)
        for name in files { text = text.replacingOccurrences(of: "\(Self.sessionDirectory)/\(name)", with: name) }
        return text
    }

    /// `a | b | c` → ["a", "b", "c"], quotes respected.
    static func pipeline(_ command: String) -> [String] {
        var stages: [String] = []
        var stage = ""
        var quote: Character?
        for character in command {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "|" {
                stages.append(stage.trimmingCharacters(in: .whitespaces))
                stage = ""
                continue
            }
            stage.append(character)
        }
        stages.append(stage.trimmingCharacters(in: .whitespaces))
        return stages
    }

    /// What `head`, `tail`, `grep` or `sed -n '/^A/,/^$/p'` would print of `text`.
    static func filter(_ text: String, through stage: String) throws -> String {
        let words = DocsText.words(stage)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        func joined(_ lines: some Sequence<String>) -> String { lines.map { $0 + "\n" }.joined() }
        switch (words.first, words.count) {
        case ("head", 3) where words[1] == "-c":
            return String(decoding: Array(text.utf8.prefix(Int(words[2]) ?? 0)), as: UTF8.self) + "\n"
        case ("head", 2):
            return joined(lines.prefix(Int(words[1].dropFirst()) ?? 10))
        case ("tail", 2):
            return joined(lines.suffix(Int(words[1].dropFirst()) ?? 10))
        case ("grep", 2):
            return joined(lines.filter { $0.contains(words[1]) })
        case ("sed", 3) where words[1] == "-n" && words[2].hasPrefix("/^") && words[2].hasSuffix("/,/^$/p"):
            let start = String(words[2].dropFirst(2).dropLast("/,/^$/p".count))
            guard let first = lines.firstIndex(where: { $0.hasPrefix(start) }) else { return "" }
            let end = lines[first...].firstIndex(of: "") ?? (lines.count - 1)
            return joined(lines[first...end])
        default:
            throw DocsReplayError(message: "cannot replay the pipe stage \(stage)")
        }
    }

    /// Every transcript of `sections` was replayed, but those another suite replays (`elsewhere`);
    /// when recording, writes what was printed into the page.
    func finish(
        covering sections: [String], elsewhere: [String: Set<Int>] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for section in sections {
            let missing = docs.transcripts(in: section).filter {
                !$0.isHelp && !replayed.contains("\(section)#\($0.index)") && !(elsewhere[section]?.contains($0.index) ?? false)
            }
            #expect(missing.isEmpty, "not replayed in \(section): \(missing.map(\.command))", sourceLocation: sourceLocation)
        }
        guard Self.recording else { return }
        let current = try String(contentsOfFile: DocsText.path(of: docs.page), encoding: .utf8)
        try #require(current == docs.text, "\(docs.page) changed during the run; record one suite at a time")
        var lines = docs.lines
        for recording in recordings.sorted(by: { $0.lines.lowerBound > $1.lines.lowerBound }) {
            if let code = recording.exitCode, lines[recording.lines.upperBound].hasPrefix("[exit ") {
                lines[recording.lines.upperBound] = "[exit \(code)]"
            }
            lines.replaceSubrange(recording.lines, with: recording.output)
        }
        try lines.joined(separator: "\n").write(toFile: DocsText.path(of: docs.page), atomically: true, encoding: .utf8)
    }
}

struct DocsReplayError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

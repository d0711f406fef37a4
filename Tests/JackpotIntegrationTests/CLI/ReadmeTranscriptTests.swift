import Foundation
import Testing
import TestSupport
import JackpotCLI
import JackpotStore
import JackpotWire

/// Issue 14, point 12: README's Commands transcripts are what the binary
/// prints. The deterministic ones (check, enqueue, pause/resume) are replayed
/// here from README itself, in README's own session setup, and compared line
/// by line after putting the session's directory back in place of the test's.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct ReadmeTranscriptTests {
    static let sessionDirectory = "/tmp/jackpotd-readme"
    static let replayedSections = ["### check", "### enqueue", "### pause and resume", "### Usage errors", "### Help"]

    @Test func commandsSectionTranscriptsMatchTheBinary() async throws {
        let readme = try String(contentsOfFile: Self.packageRoot + "/README.md", encoding: .utf8)
        let commands = try #require(Self.section(readme, from: "## Commands", to: "\n## For casino operators"))
        let directory = TemporaryDirectory()
        let root = directory.path

        // README's setup: its config, its secret files, its wins.jsonl and bad-config.json, an existing outbox.
        let config = try #require(Self.jsonBlock(commands, after: "The config (`/tmp/jackpotd-readme/config.json`"))
        let configPath = directory.write("config.json", config.replacingOccurrences(of: Self.sessionDirectory, with: root))
        for name in ["healthy-casino", "flaky-casino", "casino-c"] {
            directory.write("secrets/\(name)", "readme-secret-\(name)\n")
        }
        try FileManager.default.createDirectory(atPath: directory.path("demo"), withIntermediateDirectories: true)
        _ = try Outbox(path: directory.path("demo/outbox.sqlite3"))
        let files = [
            "wins.jsonl": try #require(Self.jsonBlock(commands, after: "`wins.jsonl` holds")),
            "bad-config.json": try #require(Self.jsonBlock(commands, after: "(`bad-config.json`)"))
                .replacingOccurrences(of: Self.sessionDirectory, with: root),
        ]
        for (name, text) in files { directory.write(name, text) }

        var replayed = 0
        for heading in Self.replayedSections {
            let text = try #require(Self.section(commands, from: heading + "\n", to: "\n### "), "README has no \(heading)")
            for transcript in Self.transcripts(in: text) {
                var arguments = Self.words(transcript.command)
                try #require(arguments.first == "jackpotd", "\(transcript.command)")
                arguments.removeFirst()
                var input: String?
                if let redirect = arguments.firstIndex(of: "<"), redirect + 1 < arguments.count {
                    input = directory.path(arguments[redirect + 1])
                    arguments.removeSubrange(redirect...(redirect + 1))
                }
                arguments = arguments.map {
                    files[$0] != nil ? directory.path($0) : $0.replacingOccurrences(of: Self.sessionDirectory, with: root)
                }
                let result = await runCLI(arguments, environment: ["JACKPOTD_CONFIG": configPath], standardInputFile: input)
                // In-process, stderr and stdout are captured apart; these commands write their errors first.
                var printed = (result.errors + result.output).replacingOccurrences(of: root, with: Self.sessionDirectory)
                for name in files.keys { printed = printed.replacingOccurrences(of: "\(Self.sessionDirectory)/\(name)", with: name) }
                #expect(printed == transcript.output, "README: $ \(transcript.command)\n--- the binary printed:\n\(printed)")
                #expect(result.code.rawValue == transcript.exitCode, "$ \(transcript.command): exit \(result.code.rawValue)")
                replayed += 1
            }
        }
        #expect(replayed >= 15, "only \(replayed) README commands were found to replay")
    }

    // MARK: Reading README

    static var packageRoot: String {
        var path = URL(fileURLWithPath: #filePath)
        while path.pathComponents.count > 1 {
            path.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: path.path + "/Package.swift") { return path.path }
        }
        return FileManager.default.currentDirectoryPath
    }

    static func section(_ text: String, from start: String, to end: String) -> String? {
        guard let begin = text.range(of: start) else { return nil }
        let rest = text[begin.upperBound...]
        return String(rest[..<(rest.range(of: end)?.lowerBound ?? rest.endIndex)])
    }

    /// The first ```json block after `marker`.
    static func jsonBlock(_ text: String, after marker: String) -> String? {
        guard let at = text.range(of: marker), let open = text.range(of: "```json\n", range: at.upperBound..<text.endIndex),
            let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound]) + "\n"
    }

    struct Transcript {
        var command: String
        var output: String
        var exitCode: Int32
    }

    /// `$ jackpotd …` lines of ```console blocks, each with what follows up to its `[exit N]`.
    static func transcripts(in text: String) -> [Transcript] {
        var found: [Transcript] = []
        var inConsole = false
        var current: Transcript?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") { inConsole = line == "```console"; current = nil; continue }
            guard inConsole else { continue }
            if line.hasPrefix("$ jackpotd ") {
                current = Transcript(command: String(line.dropFirst(2)), output: "", exitCode: -1)
            } else if var transcript = current, line.hasPrefix("[exit "), let code = Int32(line.dropFirst(6).dropLast()) {
                transcript.exitCode = code
                found.append(transcript)
                current = nil
            } else if current != nil {
                current!.output += line + "\n"
            }
        }
        return found
    }

    /// Shell words: spaces split, double quotes group.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var quoted = false
        var started = false
        for character in line {
            if character == "\"" { quoted.toggle(); started = true; continue }
            if character == " " && !quoted {
                if started { words.append(word) }
                word = ""
                started = false
                continue
            }
            word.append(character)
            started = true
        }
        if started { words.append(word) }
        return words
    }
}

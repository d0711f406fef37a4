import Foundation

/// One documentation page (README.md or a page under docs/) as the transcript
/// and example tests read it: its sections and the `$ …` commands of its
/// ```console blocks, each with the lines it printed and where they are, so a
/// recording run can write fresh output back in place.
package struct DocsText {
    /// One `$ COMMAND` of a console block and what follows it.
    package struct Transcript {
        /// The heading (`### run`) of the section holding it.
        package var section: String
        /// Its position among the section's transcripts, from 0.
        package var index: Int
        /// The command without `$ ` and without a trailing `# comment`.
        package var command: String
        /// The printed lines, each ending in "\n".
        package var output: String
        /// `[exit N]`; nil for commands that are not jackpotd (`cat`, `rm`).
        package var exitCode: Int32?
        /// The page's lines holding `output` (0-based, end exclusive).
        package var outputLines: Range<Int>

        /// `jackpotd … --help` or `jackpotd help …`: the CLI reference's help blocks.
        package var isHelp: Bool {
            let words = DocsText.words(command)
            return words.first == "jackpotd" && (words.last == "--help" || words.dropFirst().first == "help")
        }
    }

    /// The pages of the documentation, relative to the package root.
    package static let readme = "README.md"
    package static let operations = "docs/operations.md"
    package static let platform = "docs/platform.md"
    package static let operators = "docs/operators.md"
    /// Every page, README first.
    package static let pages = [
        readme, operations, platform, operators, "docs/reliability.md", "docs/performance.md", "docs/architecture.md",
    ]

    /// The absolute path of `page` (relative to the package root).
    package static func path(of page: String) -> String { packageRoot + "/" + page }

    package static var packageRoot: String {
        var path = URL(fileURLWithPath: #filePath)
        while path.pathComponents.count > 1 {
            path.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: path.path + "/Package.swift") { return path.path }
        }
        return FileManager.default.currentDirectoryPath
    }

    /// The page, relative to the package root (`docs/operations.md`).
    package let page: String
    package let text: String
    package let lines: [String]
    package let transcripts: [Transcript]

    package init(_ page: String) throws {
        try self.init(page: page, text: String(contentsOfFile: Self.path(of: page), encoding: .utf8))
    }

    package init(page: String, text: String) {
        self.page = page
        self.text = text
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        transcripts = Self.transcripts(in: lines)
    }

    /// The transcripts of one `##`/`###` section, in order.
    package func transcripts(in section: String) -> [Transcript] { transcripts.filter { $0.section == section } }

    /// The text of a section, from its heading to the next heading of any level
    /// (a `#` line inside a fenced block is a shell comment, not a heading).
    package func section(_ heading: String) -> String? {
        guard let start = lines.firstIndex(of: heading) else { return nil }
        var inFence = false
        var end = lines.count
        for number in (start + 1)..<lines.count {
            let line = lines[number]
            if line.hasPrefix("```") { inFence.toggle() }
            if !inFence, line.hasPrefix("#") {
                end = number
                break
            }
        }
        return lines[start..<end].joined(separator: "\n")
    }

    /// The first ```json block after `marker`.
    package func jsonBlock(after marker: String) -> String? {
        guard let at = text.range(of: marker), let open = text.range(of: "```json\n", range: at.upperBound..<text.endIndex),
            let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound]) + "\n"
    }

    private static func transcripts(in lines: [String]) -> [Transcript] {
        var found: [Transcript] = []
        var section = ""
        var inConsole = false
        var inFence = false
        var current: Transcript?
        func finish(at end: Int) {
            guard var transcript = current else { return }
            // A command without `[exit N]` (cat, rm) ends at the next `$`; the blank lines before it are no output.
            var last = end
            if transcript.exitCode == nil {
                while last > transcript.outputLines.lowerBound, lines[last - 1].isEmpty { last -= 1 }
            }
            transcript.outputLines = transcript.outputLines.lowerBound..<last
            transcript.output = lines[transcript.outputLines].map { $0 + "\n" }.joined()
            found.append(transcript)
            current = nil
        }
        for (number, line) in lines.enumerated() {
            if line.hasPrefix("```") {
                if inFence { finish(at: number) }
                inFence.toggle()
                inConsole = inFence && line == "```console"
                continue
            }
            if !inFence, line.hasPrefix("#") {
                section = line
                continue
            }
            guard inConsole else { continue }
            if line.hasPrefix("$ ") {
                finish(at: number)
                let command = Self.withoutComment(String(line.dropFirst(2)))
                let index = found.filter { $0.section == section }.count
                current = Transcript(
                    section: section, index: index, command: command, output: "", exitCode: nil,
                    outputLines: (number + 1)..<(number + 1))
            } else if var transcript = current, transcript.exitCode == nil, line.hasPrefix("[exit "),
                let code = Int32(line.dropFirst(6).dropLast())
            {
                transcript.exitCode = code
                current = transcript
                finish(at: number)
            }
        }
        return found
    }

    /// `jackpotd run   # note` → `jackpotd run`; a `#` inside quotes stays.
    package static func withoutComment(_ command: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for (offset, character) in command.enumerated() {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#", previous == " " {
                return String(command.prefix(offset)).trimmingCharacters(in: .whitespaces)
            }
            previous = character
        }
        return command.trimmingCharacters(in: .whitespaces)
    }

    /// Shell words: spaces split, double or single quotes group.
    package static func words(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var quote: Character?
        var started = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
                continue
            }
            if character == "\"" || character == "'" {
                quote = character
                started = true
                continue
            }
            if character == " " {
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

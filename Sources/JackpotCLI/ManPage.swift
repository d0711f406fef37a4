/// `jackpotd(1)` in mdoc, rendered from the same command and option
/// declarations as `--help`, so the manual and the help cannot disagree.
/// `Deploy/jackpotd.1` is this text (`make regenerate` rewrites it, and a test
/// fails when the committed copy is stale).
package enum ManPage {
    /// The page's `.Dd`: when its text last changed in substance.
    static let date = "December 6, 2026"

    package static func render(commands: [any Command.Type] = CommandLineTool.commands) -> String {
        var page = """
            .\\" Generated from jackpotd's command definitions by `make regenerate`:
            .\\" edit those (Sources/JackpotCLI/Commands), not this file.
            .Dd \(date)
            .Dt JACKPOTD 1
            .Os
            .Sh NAME
            .Nm jackpotd
            .Nd \(Roff.text(CommandLineTool.tagline))
            .Sh SYNOPSIS
            .Nm
            .Op Fl \\-config Ar FILE
            .Op Fl \\-db Ar PATH
            .Ar command
            .Op Ar options
            .Nm
            .Cm help
            .Op Ar command
            .Nm
            .Fl \\-version
            .Sh DESCRIPTION
            .Nm
            keeps jackpot wins in an outbox (an SQLite database) and delivers each one to
            its casino operator's wallet over HTTP, retrying until the operator confirms it.
            Operators deduplicate on the win's reference,
            so a win sent twice is credited once.
            .Pp
            .Nm Cm run
            is the daemon; the other commands enqueue wins, inspect and repair the outbox,
            and check the configuration.
            Each command's section below is also printed by
            .Nm Ar command Fl \\-help .
            .Sh COMMANDS

            """
        for command in commands {
            page += section(for: command)
        }
        page += """
            .Sh GLOBAL OPTIONS
            Every command accepts these, before or after the command name.
            \(optionList(OptionSpec.global))\
            .Pp
            .Fl \(Roff.text(String(CommandLineTool.versionOption.name.dropFirst())))
            alone prints \(Roff.text(CommandLineTool.versionOption.help)).
            .Sh ENVIRONMENT
            .Bl -tag -width Ds
            .It Ev JACKPOTD_CONFIG
            the configuration file when
            .Fl \\-config
            is not given
            .It Ev COLUMNS
            the width that
            .Cm list
            and
            .Cm status
            fit their tables to (default: the terminal's, else 80)
            .El
            .Sh EXIT STATUS
            \(Roff.text(CommandLineTool.exitCodes))

            """
        return page
    }

    private static func section(for command: any Command.Type) -> String {
        var text = ".Ss \(command.name)\n.Nm\n\(Roff.sentences(command.synopsis))\n.Pp\n"
        text += Roff.sentences(command.summary) + "\n"
        if !command.discussion.isEmpty {
            text += discussion(command.discussion)
        }
        return text + optionList(command.options)
    }

    /// Paragraphs separated by blank lines; indented lines (examples) become
    /// literal displays, so a command can be pasted from the page as it is.
    private static func discussion(_ text: String) -> String {
        var output = ""
        for paragraph in text.split(separator: "\n\n", omittingEmptySubsequences: true) {
            var literal: [Substring] = []
            var needsParagraph = true
            func flushLiteral() {
                guard !literal.isEmpty else { return }
                let indent = literal.map { $0.prefix { $0 == " " }.count }.min() ?? 0
                output += ".Bd -literal -offset indent\n"
                for line in literal { output += Roff.text(String(line.dropFirst(indent))) + "\n" }
                output += ".Ed\n"
                literal = []
                needsParagraph = true
            }
            for line in paragraph.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix(" ") {
                    literal.append(line)
                    continue
                }
                flushLiteral()
                if needsParagraph {
                    output += ".Pp\n"
                    needsParagraph = false
                }
                output += Roff.sentences(String(line)) + "\n"
            }
            flushLiteral()
        }
        return output
    }

    private static func optionList(_ options: [OptionSpec]) -> String {
        guard !options.isEmpty else { return "" }
        var text = ".Bl -tag -width Ds\n"
        for option in options {
            text += ".It Fl " + Roff.text(String(option.name.dropFirst()))
            if let value = option.valueName { text += " Ar " + Roff.text(value) }
            text += "\n" + Roff.sentences(option.help) + "\n"
        }
        return text + ".El\n"
    }
}

/// Text made safe for roff input lines.
package enum Roff {
    /// Backslashes and hyphens escaped (`\-` is the ASCII hyphen-minus an option
    /// needs when pasted), non-ASCII characters as `\[uXXXX]`, and a leading `.`
    /// or `'` guarded so the line is never read as a request.
    package static func text(_ line: String) -> String {
        var output = ""
        for scalar in line.unicodeScalars {
            switch scalar {
            case "\\": output += "\\e"
            case "-": output += "\\-"
            case _ where !scalar.isASCII:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                output += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
            default: output.unicodeScalars.append(scalar)
            }
        }
        if output.hasPrefix(".") || output.hasPrefix("'") { output = "\\&" + output }
        return output
    }

    /// Lines of filled text: each sentence that starts mid-line moved to a line
    /// of its own (roff puts sentence spacing only at line ends, and mdoc's
    /// linters ask for it: "new sentence, new line"), and lines wrapped to
    /// `width` bytes of roff input.
    package static func sentences(_ line: String, width: Int = 80) -> String {
        let characters = Array(line)
        var sentences: [String] = []
        var current = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            current.append(character)
            index += 1
            guard ".?!".contains(character) else { continue }
            // Closing punctuation may follow the stop: `(see show).` or `"done."`.
            while index < characters.count, ")\"'".contains(characters[index]) {
                current.append(characters[index])
                index += 1
            }
            var next = index
            while next < characters.count, characters[next] == " " { next += 1 }
            guard next > index, next < characters.count, characters[next].isUppercase else { continue }
            sentences.append(current)
            current = ""
            index = next
        }
        sentences.append(current)
        return sentences.flatMap { wrapped($0, width: width) }.joined(separator: "\n")
    }

    /// `line` split at spaces into escaped lines of at most `width` bytes (a
    /// longer word stays whole).
    private static func wrapped(_ line: String, width: Int) -> [String] {
        var lines: [String] = []
        var words: [Substring] = []
        for word in line.split(separator: " ") {
            if !words.isEmpty, text((words + [word]).joined(separator: " ")).utf8.count > width {
                lines.append(text(words.joined(separator: " ")))
                words = []
            }
            words.append(word)
        }
        lines.append(text(words.joined(separator: " ")))
        return lines
    }
}

import Foundation
import Testing
import JackpotCLI
import TestSupport

/// The manual page and the bash completion under Deploy/ are rendered from the
/// command definitions `--help` prints: the committed copies must be what the
/// renderers produce now, so a new command or option cannot be left out of them.
@Suite(.timeLimit(.minutes(1))) struct GeneratedDeployFilesTests {
    @Test func committedManPageIsTheRenderedDefinitions() throws {
        let committed = try String(contentsOfFile: DocsText.path(of: "Deploy/jackpotd.1"), encoding: .utf8)
        #expect(committed == ManPage.render(), "Deploy/jackpotd.1 is stale: run `make regenerate` and commit it")
    }

    @Test func committedCompletionIsTheRenderedDefinitions() throws {
        let committed = try String(contentsOfFile: DocsText.path(of: "Deploy/bash-completion/jackpotd"), encoding: .utf8)
        #expect(
            committed == BashCompletion.render(), "Deploy/bash-completion/jackpotd is stale: run `make regenerate` and commit it")
    }

    @Test func manPageHasASectionForEveryCommandAndAnItemForEachOption() {
        let page = ManPage.render()
        for command in CommandLineTool.commands {
            #expect(page.contains("\n.Ss \(command.name)\n"), "no section for \(command.name)")
            for option in command.options {
                let item = ".It Fl " + Roff.text(String(option.name.dropFirst()))
                #expect(page.contains(item), "\(command.name): no item for \(option.name)")
            }
        }
    }

    @Test func completionHasAnArmForEveryCommandListingItsOptions() {
        let script = BashCompletion.render()
        for command in CommandLineTool.commands {
            let names = (command.options + OptionSpec.global).map(\.name).joined(separator: " ")
            #expect(script.contains("\n        \(command.name))\n"), "no case arm for \(command.name)")
            #expect(script.contains("options=\"\(names)\" ;;"), "\(command.name): its options are not offered")
        }
    }

    @Test func roffTextEscapesWhatRoffWouldInterpret() {
        #expect(Roff.text(#"a\b --json"#) == #"a\eb \-\-json"#)
        #expect(Roff.text(".jsonl files") == #"\&.jsonl files"#)
        #expect(Roff.text("'quoted'") == #"\&'quoted'"#)
        #expect(Roff.text("REFERENCE… — ok") == #"REFERENCE\[u2026] \[u2014] ok"#)
    }

    @Test func sentencesStartOnTheirOwnLineAndLinesStayShort() {
        #expect(Roff.sentences("Paused. Calls finish (later). Then x.") == "Paused.\nCalls finish (later).\nThen x.")
        #expect(Roff.sentences("e.g. 55 or 1250.50, see show.") == "e.g. 55 or 1250.50, see show.")
        #expect(Roff.sentences("it said \"done.\" Next") == "it said \"done.\"\nNext")
        let long = String(repeating: "word ", count: 40)
        let lines = Roff.sentences(long).split(separator: "\n")
        #expect(lines.count > 1 && lines.allSatisfy { $0.utf8.count <= 80 })
        #expect(lines.joined(separator: " ") == long.trimmingCharacters(in: .whitespaces))
    }
}

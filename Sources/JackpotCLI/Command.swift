import Foundation

/// One `jackpotd` subcommand. Its options are declared once in `options`;
/// parsing and `--help` are generated from them.
package protocol Command: Sendable {
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// The synopsis after `jackpotd `, e.g. `show REFERENCE [--json]`.
    static var synopsis: String { get }
    /// Paragraphs for `--help`: what it does, examples, exit codes of note.
    static var discussion: String { get }
    static var options: [OptionSpec] { get }

    init(_ arguments: ParsedArguments) throws(UsageError)
    func run(_ context: CommandContext) async throws -> ExitCode
}

extension Command {
    static func help() -> String {
        var text = "Usage: jackpotd \(synopsis)\n\n\(summary)\n"
        if !discussion.isEmpty { text += "\n\(discussion)\n" }
        let all = options + OptionSpec.global
        let labels = all.map { spec in spec.valueName.map { "\(spec.name) \($0)" } ?? spec.name }
        let width = (labels.map(\.count).max() ?? 0) + 2
        text += "\nOptions:\n"
        for (spec, label) in zip(all, labels) {
            text += "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + spec.help + "\n"
        }
        return text
    }
}

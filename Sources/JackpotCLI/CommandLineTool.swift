import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotWire

/// `jackpotd`: finds the subcommand, parses its options, runs it, and turns
/// errors into one clear line on stderr and the documented exit code.
package enum CommandLineTool {
    package static let commands: [any Command.Type] = [
        RunCommand.self, EnqueueCommand.self, StatusCommand.self, ListCommand.self, ShowCommand.self,
        RetryCommand.self, CancelCommand.self, PauseCommand.self, ResumeCommand.self, PurgeCommand.self,
        ExportCommand.self, ReconcileCommand.self, ProbeCommand.self, CheckCommand.self, BackupCommand.self, RestoreCommand.self,
        TakeoverCommand.self, DemoCommand.self,
    ]

    /// The executable's entry point: never returns.
    package static func main() async -> Never {
        let output = TextOutput.standardOutput()
        let errors = TextOutput.standardError()
        let context = CommandContext(output: output, errors: errors, environment: ProcessInfo.processInfo.environment)
        let code = await run(Array(CommandLine.arguments.dropFirst()), context: context)
        output.flush()
        errors.flush()
        exit(code.rawValue)
    }

    /// Runs one command line in-process (tests use this with capturing outputs).
    package static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        var context = context
        do {
            if arguments.first == "--version" {
                context.output.line(versionLine)
                return .success
            }
            // For packaging, not listed in --help: `make regenerate` writes Deploy/ from these.
            if arguments == ["--man-page"] {
                context.output.write(ManPage.render())
                return .success
            }
            if arguments == ["--bash-completion"] {
                context.output.write(BashCompletion.render())
                return .success
            }
            let (commandType, rest) = try split(arguments)
            guard let commandType else {
                context.output.write(overview())
                return arguments.isEmpty ? .usage : .success
            }
            let parsed: ParsedArguments
            do {
                parsed = try ParsedArguments(rest, options: commandType.options)
            } catch {
                context.errors.line("jackpotd \(commandType.name): error: \(HumanText.escaped(error.message))")
                context.errors.line("Run 'jackpotd \(commandType.name) --help' for usage.")
                return .usage
            }
            if parsed.flag("--help") {
                context.output.write(commandType.help())
                return .success
            }
            context.configPath = parsed.value("--config") ?? context.configPath
            context.databaseOverride = parsed.value("--db") ?? context.databaseOverride
            do {
                let command = try commandType.init(parsed)
                return try await command.run(context)
            } catch {
                return report(error, command: commandType.name, context: context)
            }
        } catch {
            return report(error, command: nil, context: context)
        }
    }

    static func report(_ error: any Error, command: String?, context: CommandContext) -> ExitCode {
        let prefix = command.map { "jackpotd \($0): error: " } ?? "jackpotd: error: "
        switch error {
        case let usage as UsageError:
            context.errors.line(prefix + HumanText.escaped(usage.message))
            context.errors.line("Run 'jackpotd \(command.map { "\($0) " } ?? "")--help' for usage.")
            return .usage
        case let config as ConfigError:
            for problem in config.problems { context.errors.line(prefix + HumanText.escaped("\(config.path): \(problem)")) }
            return .usage
        case let environment as EnvironmentError:
            for problem in environment.problems { context.errors.line(prefix + HumanText.escaped(problem)) }
            return .usage
        case let failure as CommandFailure:
            context.errors.line(prefix + HumanText.escaped(failure.message))
            return .failure
        default:
            context.errors.line(prefix + HumanText.escaped(String(describing: error)))
            return .failure
        }
    }

    /// Finds the command name among `arguments`; global options may come before it.
    package static func split(_ arguments: [String]) throws(UsageError) -> ((any Command.Type)?, [String]) {
        var index = 0
        var leading: [String] = []
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "help", index + 1 < arguments.count {
                // `jackpotd help list` is `jackpotd list --help`.
                return try split(Array(arguments[(index + 1)...]) + ["--help"])
            }
            if argument == "--help" || argument == "-h" || argument == "help" { return (nil, []) }
            if argument.hasPrefix("--") {
                leading.append(argument)
                if let spec = OptionSpec.global.first(where: { $0.name == argument }), spec.takesValue,
                    index + 1 < arguments.count
                {
                    leading.append(arguments[index + 1])
                    index += 1
                }
                index += 1
                continue
            }
            guard let command = commands.first(where: { $0.name == argument }) else {
                let close = Suggestion.closest(to: argument, among: commands.map { $0.name })
                throw UsageError(
                    "unknown command \"\(argument)\""
                        + (close.map { " (did you mean \($0)?)" } ?? " (run 'jackpotd --help' for the list)"))
            }
            return (command, leading + arguments[(index + 1)...])
        }
        return (nil, [])
    }

    /// What jackpotd is, in one line: the overview's first line and the manual's NAME.
    static let tagline = "delivers jackpot wins to casino operators' wallets, exactly once"

    static let exitCodes = "0 ok, 1 operation failed (input rejected, not found), 2 usage or config error."

    static let versionOption = OptionSpec.flag("--version", help: "the version of jackpotd and of its outbox schema")

    /// `jackpotd 1.1.0 (outbox schema 3)`: what a bug report needs.
    static var versionLine: String {
        "jackpotd \(ProductVersion.current) (outbox schema \(Schema.currentVersion))"
    }

    static func overview() -> String {
        var text = """
            jackpotd — \(tagline).

            Usage: jackpotd COMMAND [OPTIONS]

            Commands:

            """
        let width = (commands.map { $0.name.count }.max() ?? 0) + 2
        for command in commands {
            text += "  " + command.name.padding(toLength: width, withPad: " ", startingAt: 0) + command.summary + "\n"
        }
        text += """

            Global options (any command):
              --config FILE   configuration file (default: $JACKPOTD_CONFIG)
              --db PATH       outbox database, overriding the config's "database"
              --help          help for jackpotd or for one command
              --version       \(versionOption.help)

            Exit codes: \(exitCodes)
            Run 'jackpotd COMMAND --help' for a command's options and examples.

            """
        return text
    }
}

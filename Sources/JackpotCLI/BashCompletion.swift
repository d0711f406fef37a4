/// Bash completion for `jackpotd`: command names, each command's options and
/// file names where an option takes a file, generated from the same
/// declarations as `--help`. `Deploy/bash-completion/jackpotd` is this text
/// (`make regenerate` rewrites it, and a test fails when the committed copy is stale).
package enum BashCompletion {
    /// Value placeholders that name a file or directory: those values complete file names.
    static let fileValueNames: Set<String> = ["FILE", "PATH", "REPORT"]
    static let directoryValueNames: Set<String> = ["DIR"]

    package static func render(commands: [any Command.Type] = CommandLineTool.commands) -> String {
        let names = commands.map { $0.name }.joined(separator: " ")
        let global = OptionSpec.global
        var script = """
            # bash completion for jackpotd                             -*- shell-script -*-
            # Generated from jackpotd's command definitions by `make regenerate`:
            # edit those (Sources/JackpotCLI/Commands), not this file.

            _jackpotd() {
                local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
                local command="" options="" i
                COMPREPLY=()
                # The command is the first word that is neither an option nor an option's value.
                for ((i = 1; i < COMP_CWORD; i++)); do
                    case ${COMP_WORDS[i]} in
                        \(valueCase(global))) ((i++)) ;;
                        -*) ;;
                        *) command=${COMP_WORDS[i]}; break ;;
                    esac
                done
            \(valueCompletions(global, indent: "    "))
                case $command in
                    "")
                        if [[ $cur == -* ]]; then
                            mapfile -t COMPREPLY < <(compgen -W "\(optionWords(global + [CommandLineTool.versionOption]))" -- "$cur")
                        else
                            mapfile -t COMPREPLY < <(compgen -W "\(names) help" -- "$cur")
                        fi
                        return ;;
                    help)
                        mapfile -t COMPREPLY < <(compgen -W "\(names)" -- "$cur")
                        return ;;

            """
        for command in commands {
            script += "        \(command.name))\n"
            script += valueCompletions(command.options, indent: "            ")
            script += "            options=\"\(optionWords(command.options + global))\" ;;\n"
        }
        script += """
                    *) return ;;
                esac
                # Options when asked for one, or when nothing is typed yet; positional
                # arguments (references, operator names) are not guessed.
                if [[ -z $cur || $cur == -* ]]; then
                    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
                fi
            }
            complete -F _jackpotd jackpotd

            """
        return script
    }

    private static func optionWords(_ options: [OptionSpec]) -> String {
        options.map(\.name).joined(separator: " ")
    }

    private static func valueCase(_ options: [OptionSpec]) -> String {
        options.filter(\.takesValue).map(\.name).joined(separator: "|")
    }

    /// After an option that takes a value: file names for files, directories for
    /// directories, and nothing (not the option list) for any other value.
    private static func valueCompletions(_ options: [OptionSpec], indent: String) -> String {
        let files = options.filter { $0.valueName.map(fileValueNames.contains) ?? false }
        let directories = options.filter { $0.valueName.map(directoryValueNames.contains) ?? false }
        let others = options.filter {
            $0.takesValue && !files.map(\.name).contains($0.name) && !directories.map(\.name).contains($0.name)
        }
        guard !(files.isEmpty && directories.isEmpty && others.isEmpty) else { return "" }
        var text = indent + "case $prev in\n"
        if !files.isEmpty {
            text += indent + "    \(valueCase(files))) compopt -o filenames 2>/dev/null\n"
            text += indent + "        mapfile -t COMPREPLY < <(compgen -f -- \"$cur\"); return ;;\n"
        }
        if !directories.isEmpty {
            text += indent + "    \(valueCase(directories))) compopt -o filenames 2>/dev/null\n"
            text += indent + "        mapfile -t COMPREPLY < <(compgen -d -- \"$cur\"); return ;;\n"
        }
        if !others.isEmpty {
            text += indent + "    \(valueCase(others))) return ;;\n"
        }
        return text + indent + "esac\n"
    }
}

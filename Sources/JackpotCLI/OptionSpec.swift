/// One command-line option, declared once: the parser and `--help` both read it.
package struct OptionSpec: Sendable {
    package let name: String
    /// Placeholder for the option's value (`FILE`); nil for a flag.
    package let valueName: String?
    package let help: String

    package static func flag(_ name: String, help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help)
    }

    package static func value(_ name: String, _ valueName: String, help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help)
    }

    var takesValue: Bool { valueName != nil }

    /// Options every command understands.
    package static let global: [OptionSpec] = [
        .value("--config", "FILE", help: "configuration file (default: $JACKPOTD_CONFIG)"),
        .value("--db", "PATH", help: "outbox database, overriding the config's \"database\""),
        .flag("--help", help: "show this help"),
    ]
}

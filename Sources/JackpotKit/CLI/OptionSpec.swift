/// One command-line option, declared once: the parser and `--help` both read it.
public struct OptionSpec: Sendable {
    public let name: String
    /// Placeholder for the option's value (`FILE`); nil for a flag.
    public let valueName: String?
    public let help: String

    public static func flag(_ name: String, help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help)
    }

    public static func value(_ name: String, _ valueName: String, help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help)
    }

    var takesValue: Bool { valueName != nil }

    /// Options every command understands.
    static let global: [OptionSpec] = [
        .value("--config", "FILE", help: "configuration file (default: $JACKPOTD_CONFIG)"),
        .value("--db", "PATH", help: "outbox database, overriding the config's \"database\""),
        .flag("--help", help: "show this help"),
    ]
}

import JackpotConfiguration
import JackpotStore
/// The command line split into options and positional arguments, checked
/// against the command's declared options.
package struct ParsedArguments: Sendable {
    package private(set) var values: [String: String] = [:]
    package private(set) var flags: Set<String> = []
    package private(set) var positionals: [String] = []

    /// Parses `arguments` (after the command name). Accepts `--name value`,
    /// `--name=value`, and `--` to end options.
    package init(_ arguments: [String], options: [OptionSpec]) throws(UsageError) {
        let specs = Dictionary((options + OptionSpec.global).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            // `-h` is what people type first; it means --help everywhere.
            let argument = !optionsEnded && arguments[index] == "-h" ? "--help" : arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("--") || argument == "-" {
                if argument.hasPrefix("-"), argument != "-", !optionsEnded, argument.count > 1 {
                    throw UsageError("unknown option \(argument)")
                }
                positionals.append(argument)
                continue
            }
            if argument == "--" { optionsEnded = true; continue }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let spec = specs[name] else {
                let close = Suggestion.closest(to: name, among: specs.keys.sorted())
                throw UsageError("unknown option \(name)" + (close.map { " (did you mean \($0)?)" } ?? ""))
            }
            if spec.takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw UsageError("option \(name) needs a value (\(spec.valueName!))") }
                    value = arguments[index]
                    index += 1
                }
                if values[name] != nil { throw UsageError("option \(name) given more than once") }
                values[name] = value
            } else {
                guard inlineValue == nil else { throw UsageError("option \(name) takes no value") }
                flags.insert(name)
            }
        }
    }

    package func value(_ name: String) -> String? { values[name] }

    package func flag(_ name: String) -> Bool { flags.contains(name) }

    package func int(_ name: String, range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return number
    }

    /// A non-negative number of days, hours etc. given as a decimal (fractions allowed).
    package func nonNegativeNumber(_ name: String) throws(UsageError) -> Double? {
        guard let text = value(name) else { return nil }
        guard let number = Double(text), number.isFinite, number >= 0, !text.contains("e"), !text.contains("E") else {
            throw UsageError("\(name) must be a non-negative number, got \"\(text)\"")
        }
        return number
    }

    /// A win state name (`--state failed`), checked against the states there are.
    package func state(_ name: String) throws(UsageError) -> WinState? {
        guard let text = value(name) else { return nil }
        return try WinState(parsing: text)
    }

    /// `--since` style durations: `90s`, `15m`, `2h`, `3d` (a bare number is seconds).
    package func duration(_ name: String) throws(UsageError) -> Double? {
        guard let text = value(name) else { return nil }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = Substring(text)
        var scale = 1.0
        if let last = text.last, let unit = units[last] {
            digits = text.dropLast()
            scale = unit
        }
        guard let number = Double(digits), number.isFinite, number >= 0 else {
            throw UsageError("\(name) must be a duration such as 90s, 15m, 2h or 3d, got \"\(text)\"")
        }
        return number * scale
    }

    /// Positionals must number within `range`; `what` names them in the error.
    package func requirePositionals(_ range: ClosedRange<Int>, what: String) throws(UsageError) {
        if positionals.count < range.lowerBound { throw UsageError("missing \(what)") }
        if positionals.count > range.upperBound {
            throw UsageError("unexpected argument \"\(positionals[range.upperBound])\"")
        }
    }
}

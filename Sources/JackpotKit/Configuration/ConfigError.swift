/// One thing wrong with the config file, located by its key path so that an
/// operator can find it in a large file without guessing.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// Dotted path such as `operators.casino-a.retry.maxDelaySeconds`; keys that
    /// are not plain identifiers are bracketed (`operators["a b"]`); `""` is the
    /// document itself.
    public var keyPath: String
    public var message: String

    public init(keyPath: String, message: String) {
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        keyPath.isEmpty ? message : "\(keyPath): \(message)"
    }
}

/// The config file could not be used. Carries every problem found, not just the
/// first, because fixing a config one error per restart is miserable.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The config file path, as given to the loader.
    public var path: String
    public var problems: [ConfigProblem]

    public init(path: String, problems: [ConfigProblem]) {
        self.path = path
        self.problems = problems
    }

    /// One line per problem, each prefixed with the file path, the way compilers
    /// report errors (so editors and `grep` can jump to them).
    public var description: String {
        problems.map { "\(path): \($0.description)" }.joined(separator: "\n")
    }
}

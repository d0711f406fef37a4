/// One thing wrong with the config file, located by its key path so that an
/// operator can find it in a large file without guessing.
package struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// Dotted path such as `operators.casino-a.retry.maxDelaySeconds`; keys that
    /// are not plain identifiers are bracketed (`operators["a b"]`); `""` is the
    /// document itself.
    package var keyPath: String
    package var message: String

    package init(keyPath: String, message: String) {
        self.keyPath = keyPath
        self.message = message
    }

    package var description: String {
        keyPath.isEmpty ? message : "\(keyPath): \(message)"
    }
}

/// The config file could not be used. Carries every problem found, not just the
/// first, because fixing a config one error per restart is miserable.
package struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The config file path, as given to the loader.
    package var path: String
    package var problems: [ConfigProblem]

    package init(path: String, problems: [ConfigProblem]) {
        self.path = path
        self.problems = problems
    }

    /// One line per problem, each prefixed with the file path, the way compilers
    /// report errors (so editors and `grep` can jump to them).
    package var description: String {
        problems.map { "\(path): \($0.description)" }.joined(separator: "\n")
    }
}

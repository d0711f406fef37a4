/// Process exit codes, the same for every command (`jackpotd --help` lists them).
package enum ExitCode: Int32, Sendable {
    case success = 0
    /// The operation failed: input rejected, win not found, storage error.
    case failure = 1
    /// Bad command line, bad configuration, or an environment `run` cannot work
    /// in (see `EnvironmentError`): systemd does not restart on it
    /// (`RestartPreventExitStatus=2` in Deploy/jackpotd.service).
    case usage = 2
    /// `probe` only: no setting the search tried was credited.
    case nothingWorked = 3
}

/// A mistake in how jackpotd was called. Exit code 2.
package struct UsageError: Error, Sendable, CustomStringConvertible {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// An operation that could not be done (unknown reference, delivered win). Exit code 1.
package struct CommandFailure: Error, Sendable, CustomStringConvertible {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// The machine is not set up for `run`: a directory that does not exist, a
/// file this user may not open. Exit code 2, like a config error: restarting
/// the daemon cannot fix it, ops can.
package struct EnvironmentError: Error, Sendable, CustomStringConvertible {
    package let problems: [String]
    package init(problems: [String]) { self.problems = problems }
    package var description: String { problems.joined(separator: "; ") }
}

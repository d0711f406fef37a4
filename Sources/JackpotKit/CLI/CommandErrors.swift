/// Process exit codes, as PRODUCT.md defines them.
public enum ExitCode: Int32, Sendable {
    case success = 0
    /// The operation failed: input rejected, win not found, storage error.
    case failure = 1
    /// Bad command line or bad configuration.
    case usage = 2
}

/// A mistake in how jackpotd was called. Exit code 2.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// An operation that could not be done (unknown reference, delivered win). Exit code 1.
public struct CommandFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

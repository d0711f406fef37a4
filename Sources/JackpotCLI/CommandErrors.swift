import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
/// Process exit codes, the same for every command (`jackpotd --help` lists them).
package enum ExitCode: Int32, Sendable {
    case success = 0
    /// The operation failed: input rejected, win not found, storage error.
    case failure = 1
    /// Bad command line or bad configuration.
    case usage = 2
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

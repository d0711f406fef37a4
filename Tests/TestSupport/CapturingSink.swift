import Synchronization
import JackpotTelemetry

/// Keeps every line in memory, for tests.
package final class CapturingSink: LogSink {
    private let storage = Mutex<[String]>([])

    package init() {}

    package func write(line: String) {
        storage.withLock { $0.append(line) }
    }

    /// The lines written so far, oldest first.
    package var lines: [String] {
        storage.withLock { $0 }
    }
}

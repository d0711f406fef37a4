import Synchronization
import JackpotTelemetry

/// Keeps every line in memory, for tests.
final class CapturingSink: LogSink {
    private let storage = Mutex<[String]>([])

    init() {}

    func write(line: String) {
        storage.withLock { $0.append(line) }
    }

    /// The lines written so far, oldest first.
    var lines: [String] {
        storage.withLock { $0 }
    }
}

import JackpotTelemetry

/// Drops every line. The in-process dispatchers log at info level (one
/// `attempt` line per call, fully formatted) into this sink, so formatting is
/// measured and terminal or journal I/O is not.
struct DiscardingLogSink: LogSink {
    func write(line: String) {}
}

extension Logger {
    /// The logger every in-process dispatcher of the bench uses.
    static let bench = Logger(format: .logfmt, minimumLevel: .info, sink: DiscardingLogSink())
}

import Foundation

/// Severity of an event; events below the logger's minimum are dropped before
/// any formatting work.
package enum LogLevel: String, Sendable, CaseIterable, Comparable {
    case debug, info, warning, error

    private var rank: Int {
        switch self {
        case .debug: 0
        case .info: 1
        case .warning: 2
        case .error: 3
        }
    }

    package static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// A field value. Numbers stay numbers so JSON logs can be queried numerically.
package enum LogValue: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringInterpolation, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)

    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int64) { self = .int(value) }
    package init(floatLiteral value: Double) { self = .double(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }

    /// Any integer (`Int`, `Int32`, …) without a cast at every call site; values
    /// beyond `Int64` are clamped rather than trapping inside a log call.
    package init<Integer: BinaryInteger>(_ value: Integer) {
        self = .int(Int64(clamping: value))
    }
}

/// Structured logging: one line per event, to a `LogSink`.
///
/// The logger never looks at field contents for secrets; callers must not pass
/// hash secrets or player tokens, and should log URLs through `URLMasking.masked`.
package struct Logger: Sendable {
    package let format: LogFormat
    package let minimumLevel: LogLevel
    private let sink: any LogSink
    private let clock: @Sendable () -> Int64

    package init(
        format: LogFormat = .logfmt, minimumLevel: LogLevel = .info, sink: any LogSink = StandardErrorSink(),
        clock: @escaping @Sendable () -> Int64 = Logger.nowMilliseconds
    ) {
        self.format = format
        self.minimumLevel = minimumLevel
        self.sink = sink
        self.clock = clock
    }

    /// Wall-clock time in epoch milliseconds, the default clock.
    @Sendable package static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Whether an event at `level` would be written; lets callers skip building
    /// expensive fields for debug events.
    package func isEnabled(_ level: LogLevel) -> Bool { level >= minimumLevel }

    package func log(_ level: LogLevel, _ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        guard isEnabled(level) else { return }
        sink.write(
            line: LogLineFormatter.line(
                format: format, timestampMs: clock(), level: level, event: event, fields: fields))
    }

    package func debug(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.debug, event, fields)
    }

    package func info(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.info, event, fields)
    }

    package func warning(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.warning, event, fields)
    }

    package func error(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.error, event, fields)
    }
}

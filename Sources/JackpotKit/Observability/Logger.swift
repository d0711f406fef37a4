import Foundation

/// Severity of an event; events below the logger's minimum are dropped before
/// any formatting work.
public enum LogLevel: String, Sendable, CaseIterable, Comparable {
    case debug, info, warning, error

    private var rank: Int {
        switch self {
        case .debug: 0
        case .info: 1
        case .warning: 2
        case .error: 3
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// A field value. Numbers stay numbers so JSON logs can be queried numerically.
public enum LogValue: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringInterpolation, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// Any integer (`Int`, `Int32`, …) without a cast at every call site; values
    /// beyond `Int64` are clamped rather than trapping inside a log call.
    public init<Integer: BinaryInteger>(_ value: Integer) {
        self = .int(Int64(clamping: value))
    }

    /// The operator URL as it may appear in a log: operators put tokens in the
    /// query string (`?authToken=…`), so every query value — and any password in
    /// the user-info part — becomes `***`, while keys stay to help debugging.
    public static func maskedURL(_ url: String) -> LogValue {
        .string(URLMasking.masked(url))
    }
}

/// Structured logging: one line per event, to a `LogSink`.
///
/// The logger never looks at field contents for secrets; callers must not pass
/// hash secrets or player tokens, and should log URLs via `LogValue.maskedURL`.
public struct Logger: Sendable {
    public let format: LogFormat
    public let minimumLevel: LogLevel
    private let sink: any LogSink
    private let clock: @Sendable () -> Int64

    public init(
        format: LogFormat = .logfmt, minimumLevel: LogLevel = .info, sink: any LogSink = StandardErrorSink(),
        clock: @escaping @Sendable () -> Int64 = Logger.nowMilliseconds
    ) {
        self.format = format
        self.minimumLevel = minimumLevel
        self.sink = sink
        self.clock = clock
    }

    /// Wall-clock time in epoch milliseconds, the default clock.
    @Sendable public static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Whether an event at `level` would be written; lets callers skip building
    /// expensive fields for debug events.
    public func isEnabled(_ level: LogLevel) -> Bool { level >= minimumLevel }

    public func log(_ level: LogLevel, _ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        guard isEnabled(level) else { return }
        sink.write(line: LogLineFormatter.line(
            format: format, timestampMs: clock(), level: level, event: event, fields: fields))
    }

    public func debug(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.debug, event, fields)
    }

    public func info(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.info, event, fields)
    }

    public func warning(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.warning, event, fields)
    }

    public func error(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.error, event, fields)
    }
}

/// The validated configuration: what `ConfigLoader` produces from the JSON file.
public struct JackpotConfig: Sendable {
    /// Path of the outbox database; `--db` overrides it.
    public var database: String?
    /// Sent as `providerId` in every call.
    public var providerId: String
    /// Operators by name (the name used in the outbox's `operator` column).
    public var operators: [String: OperatorConfig]
    /// Calls in flight across all operators at once.
    public var globalConcurrency: Int
    /// How long `SIGTERM` waits for in-flight calls before releasing them.
    public var shutdownGraceSeconds: Double

    public static let defaultGlobalConcurrency = 64
    public static let defaultShutdownGraceSeconds = 15.0

    public init(
        database: String? = nil, providerId: String, operators: [String: OperatorConfig],
        globalConcurrency: Int = defaultGlobalConcurrency,
        shutdownGraceSeconds: Double = defaultShutdownGraceSeconds
    ) {
        self.database = database
        self.providerId = providerId
        self.operators = operators
        self.globalConcurrency = globalConcurrency
        self.shutdownGraceSeconds = shutdownGraceSeconds
    }
}

/// How the request body is encoded for one operator.
public enum BodyEncoding: String, Sendable, Hashable, CaseIterable {
    case json
    case form

    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .form: "application/x-www-form-urlencoded"
        }
    }
}

/// Back-off schedule for one operator. Durations are seconds (fractions allowed).
public struct RetrySettings: Sendable, Hashable {
    public var initialDelaySeconds: Double = 2
    public var multiplier: Double = 2
    public var maxDelaySeconds: Double = 600
    /// Relative jitter: 0.2 spreads each delay over ±20 %.
    public var jitter: Double = 0.2
    /// A win not delivered this long after it was enqueued is parked `failed`.
    public var maxAgeHours: Double = 72
    /// Upper bound for an operator's `Retry-After`.
    public var maxRetryAfterSeconds: Double = 600

    public init() {}
}

/// When an operator's circuit opens and how long it rests before a probe.
public struct CircuitSettings: Sendable, Hashable {
    /// Consecutive transport-level failures that open the circuit.
    public var failureThreshold: Int = 5
    /// First cool-down before a probe; doubles on each failed probe up to the max.
    public var openSeconds: Double = 5
    public var maxOpenSeconds: Double = 300

    public init() {}
}

/// One operator's endpoint, secret and delivery policy.
public struct OperatorConfig: Sendable, Hashable {
    public var name: String
    /// The full URL, including any query string such as `?authToken=…`.
    public var url: String
    /// The hash secret, resolved from `secretFile`, `secretEnv` or inline `secret`.
    public var secret: String
    public var encoding: BodyEncoding = .json
    public var timeoutSeconds: Double = 10
    public var concurrency: Int = 4
    public var retry = RetrySettings()
    public var circuit = CircuitSettings()
    public var noRetryErrorCodes: Set<Int> = [120, 999]
    /// When set, amounts are sent with exactly this many decimals.
    public var amountDecimals: Int?
    public var allowInsecureHTTP = false
    /// Client certificate, key and private CA for this operator's TLS (`tls` in the config).
    public var tls = TLSSettings()
    /// Egress proxy URL (`http://` or `https://`), possibly with credentials: display it masked.
    public var proxy: String?

    public init(name: String, url: String, secret: String) {
        self.name = name
        self.url = url
        self.secret = secret
    }
}

import JackpotStore
import JackpotWire
/// The validated configuration: what `ConfigLoader` produces from the JSON file.
package struct JackpotConfig: Sendable {
    /// Path of the outbox database; `--db` overrides it.
    package var database: String?
    /// Sent as `providerId` in every call.
    package var providerId: String
    /// Operators by name (the name used in the outbox's `operator` column).
    package var operators: [String: OperatorConfig]
    /// Calls in flight across all operators at once.
    package var globalConcurrency: Int
    /// How long `SIGTERM` waits for in-flight calls before releasing them.
    package var shutdownGraceSeconds: Double
    /// How long a write waits for another process's lock before it fails with
    /// "database is locked" (the daemon then retries with back-off).
    package var busyTimeoutSeconds: Double
    /// Who checkpoints the outbox's write-ahead log: `.litestream` when
    /// Litestream replicates it (then jackpotd never does).
    package var checkpoints: CheckpointOwner
    /// The HTTP ingest listener; nil (no `ingest` object) means none.
    package var ingest: IngestConfig?
    /// Connection limits of the HTTP transport (`transport`).
    package var transport = TransportSettings()

    package static let defaultGlobalConcurrency = 64
    package static let defaultShutdownGraceSeconds = 15.0
    package static let defaultBusyTimeoutSeconds = 5.0

    package init(
        database: String? = nil, providerId: String, operators: [String: OperatorConfig],
        globalConcurrency: Int = defaultGlobalConcurrency,
        shutdownGraceSeconds: Double = defaultShutdownGraceSeconds,
        busyTimeoutSeconds: Double = defaultBusyTimeoutSeconds,
        checkpoints: CheckpointOwner = .sqlite
    ) {
        self.database = database
        self.providerId = providerId
        self.operators = operators
        self.globalConcurrency = globalConcurrency
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.busyTimeoutSeconds = busyTimeoutSeconds
        self.checkpoints = checkpoints
    }

    /// `busyTimeoutSeconds` as SQLite takes it.
    package var busyTimeoutMilliseconds: Int { Int((busyTimeoutSeconds * 1000).rounded()) }
}

/// Back-off schedule for one operator. Durations are seconds (fractions allowed).
package struct RetrySettings: Sendable, Hashable {
    package var initialDelaySeconds: Double = 2
    package var multiplier: Double = 2
    package var maxDelaySeconds: Double = 600
    /// Relative jitter: 0.2 spreads each delay over ±20 %.
    package var jitter: Double = 0.2
    /// A win not delivered this long after it was enqueued is parked `failed`.
    package var maxAgeHours: Double = 72
    /// Upper bound for an operator's `Retry-After`.
    package var maxRetryAfterSeconds: Double = 600

    package init() {}
}

/// When an operator's circuit opens and how long it rests before a probe.
package struct CircuitSettings: Sendable, Hashable {
    /// Consecutive transport-level failures that open the circuit.
    package var failureThreshold: Int = 5
    /// First cool-down before a probe; doubles on each failed probe up to the max.
    package var openSeconds: Double = 5
    package var maxOpenSeconds: Double = 300

    package init() {}
}

/// One operator's endpoint, secret and delivery policy.
package struct OperatorConfig: Sendable, Hashable {
    package var name: String
    /// The full URL, including any query string such as `?authToken=…`.
    package var url: String
    /// The hash secret, resolved from `secretFile`, `secretEnv` or inline `secret`.
    package var secret: String
    package var encoding: BodyEncoding = .json
    package var timeoutSeconds: Double = 10
    package var concurrency: Int = 4
    package var retry = RetrySettings()
    package var circuit = CircuitSettings()
    /// The default shared by every operator that keeps it: a literal here would
    /// be a set allocated per operator, and a config may name thousands.
    package var noRetryErrorCodes: Set<Int> = OperatorConfig.defaultNoRetryErrorCodes
    /// When set, amounts are sent with exactly this many decimals.
    package var amountDecimals: Int?
    package var allowInsecureHTTP = false
    /// Client certificate, key and private CA for this operator's TLS (`tls` in the config).
    package var tls = TLSSettings()
    /// Egress proxy URL (`http://` or `https://`), possibly with credentials: display it masked.
    package var proxy: String?
    /// How this operator's wallet differs from the contract (hash, names, limits).
    package var dialect = WireDialect()
    /// Answers meaning "credited before": the win ends delivered.
    package var alreadyCreditedErrorCodes: Set<Int> = []
    /// How long the operator's wallet remembers a reference it credited. A win
    /// whose first call is older may be credited again if sent again: `retry`
    /// refuses it without `--force` and points to `reconcile`.
    package var duplicateWindowHours: Double = OperatorConfig.defaultDuplicateWindowHours
    /// Calls a second this operator's wallet accepts; nil: only `concurrency` bounds them.
    package var rateLimit: RateLimit?
    /// Headers sent on every call, after jackpotd's own.
    package var headers: [StaticHeader] = []
    /// The secret being rotated out, tried when the wallet refuses the current one.
    package var previousSecret: PreviousSecret?
    /// The error code with which this operator's wallet refuses a wrong hash.
    package var badHashErrorCode = OperatorConfig.defaultBadHashErrorCode

    package static let defaultDuplicateWindowHours = 72.0
    package static let defaultNoRetryErrorCodes: Set<Int> = [120, 999]
    package static let defaultBadHashErrorCode = 5

    package init(name: String, url: String, secret: String) {
        self.name = name
        self.url = url
        self.secret = secret
    }
}

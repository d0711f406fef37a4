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
///
/// A value with copy-on-write storage: the settings live in one shared box,
/// so the loaded config and the dispatcher's lane for the operator hold the
/// same copy. A config may name ten thousand operators, and the settings inline
/// are some 400 bytes: a dictionary of them and a copy per lane were most of an
/// idle daemon's heap (`jackpotd-bench --only many-configured`).
package struct OperatorConfig: Sendable, Hashable {
    private var box: Box

    package init(name: String, url: String, secret: String) {
        box = Box(Settings(name: name, url: url, secret: secret))
    }

    package var name: String {
        get { box.settings.name }
        set { update { $0.name = newValue } }
    }
    /// The full URL, including any query string such as `?authToken=…`.
    package var url: String {
        get { box.settings.url }
        set { update { $0.url = newValue } }
    }
    /// The hash secret, resolved from `secretFile`, `secretEnv` or inline `secret`.
    package var secret: String {
        get { box.settings.secret }
        set { update { $0.secret = newValue } }
    }
    package var encoding: BodyEncoding {
        get { box.settings.encoding }
        set { update { $0.encoding = newValue } }
    }
    package var timeoutSeconds: Double {
        get { box.settings.timeoutSeconds }
        set { update { $0.timeoutSeconds = newValue } }
    }
    package var concurrency: Int {
        get { box.settings.concurrency }
        set { update { $0.concurrency = newValue } }
    }
    package var retry: RetrySettings {
        get { box.settings.retry }
        set { update { $0.retry = newValue } }
    }
    package var circuit: CircuitSettings {
        get { box.settings.circuit }
        set { update { $0.circuit = newValue } }
    }
    package var noRetryErrorCodes: Set<Int> {
        get { box.settings.noRetryErrorCodes }
        set { update { $0.noRetryErrorCodes = newValue } }
    }
    /// When set, amounts are sent with exactly this many decimals.
    package var amountDecimals: Int? {
        get { box.settings.amountDecimals }
        set { update { $0.amountDecimals = newValue } }
    }
    package var allowInsecureHTTP: Bool {
        get { box.settings.allowInsecureHTTP }
        set { update { $0.allowInsecureHTTP = newValue } }
    }
    /// Client certificate, key and private CA for this operator's TLS (`tls` in the config).
    package var tls: TLSSettings {
        get { box.settings.tls }
        set { update { $0.tls = newValue } }
    }
    /// Egress proxy URL (`http://` or `https://`), possibly with credentials: display it masked.
    package var proxy: String? {
        get { box.settings.proxy }
        set { update { $0.proxy = newValue } }
    }
    /// How this operator's wallet differs from the contract (hash, names, limits).
    package var dialect: WireDialect {
        get { box.settings.dialect }
        set { update { $0.dialect = newValue } }
    }
    /// Answers meaning "credited before": the win ends delivered.
    package var alreadyCreditedErrorCodes: Set<Int> {
        get { box.settings.alreadyCreditedErrorCodes }
        set { update { $0.alreadyCreditedErrorCodes = newValue } }
    }
    /// How long the operator's wallet remembers a reference it credited. A win
    /// whose first call is older may be credited again if sent again: `retry`
    /// refuses it without `--force` and points to `reconcile`.
    package var duplicateWindowHours: Double {
        get { box.settings.duplicateWindowHours }
        set { update { $0.duplicateWindowHours = newValue } }
    }
    /// Calls a second this operator's wallet accepts; nil: only `concurrency` bounds them.
    package var rateLimit: RateLimit? {
        get { box.settings.rateLimit }
        set { update { $0.rateLimit = newValue } }
    }
    /// Headers sent on every call, after jackpotd's own.
    package var headers: [StaticHeader] {
        get { box.settings.headers }
        set { update { $0.headers = newValue } }
    }
    /// The secret being rotated out, tried when the wallet refuses the current one.
    package var previousSecret: PreviousSecret? {
        get { box.settings.previousSecret }
        set { update { $0.previousSecret = newValue } }
    }
    /// The error code with which this operator's wallet refuses a wrong hash.
    package var badHashErrorCode: Int {
        get { box.settings.badHashErrorCode }
        set { update { $0.badHashErrorCode = newValue } }
    }

    package static func == (lhs: OperatorConfig, rhs: OperatorConfig) -> Bool {
        lhs.box === rhs.box || lhs.box.settings == rhs.box.settings
    }

    package func hash(into hasher: inout Hasher) { hasher.combine(box.settings) }

    /// Copies the box first when another value shares it, so a change never shows through another copy.
    private mutating func update(_ change: (inout Settings) -> Void) {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.settings) }
        change(&box.settings)
    }

    /// Sendable because it is changed only through `update`, while one value alone refers to it.
    private final class Box: @unchecked Sendable {
        var settings: Settings
        init(_ settings: Settings) { self.settings = settings }
    }

    /// The settings themselves, each described at its accessor above.
    private struct Settings: Hashable {
        var name: String
        var url: String
        var secret: String
        var encoding: BodyEncoding = .json
        var timeoutSeconds: Double = 10
        var concurrency: Int = 4
        var retry = RetrySettings()
        var circuit = CircuitSettings()
        /// The default shared by every operator that keeps it: a literal here would
        /// be a set allocated per operator, and a config may name thousands.
        var noRetryErrorCodes: Set<Int> = OperatorConfig.defaultNoRetryErrorCodes
        var amountDecimals: Int?
        var allowInsecureHTTP = false
        var tls = TLSSettings()
        var proxy: String?
        var dialect = WireDialect()
        var alreadyCreditedErrorCodes: Set<Int> = []
        var duplicateWindowHours: Double = OperatorConfig.defaultDuplicateWindowHours
        var rateLimit: RateLimit?
        var headers: [StaticHeader] = []
        var previousSecret: PreviousSecret?
        var badHashErrorCode = OperatorConfig.defaultBadHashErrorCode
    }

    package static let defaultDuplicateWindowHours = 72.0
    package static let defaultNoRetryErrorCodes: Set<Int> = [120, 999]
    package static let defaultBadHashErrorCode = 5
}

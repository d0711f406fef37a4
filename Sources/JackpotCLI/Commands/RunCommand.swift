import JackpotConfiguration
import JackpotDaemon
import JackpotDelivery
import JackpotTelemetry
struct RunCommand: Command {
    static let name = "run"
    static let summary = "The daemon: deliver pending wins until stopped"
    static let synopsis = "run [--config FILE] [--db PATH] [--metrics-file PATH] [--log-format logfmt|json]"
    static let discussion = """
        Claims due wins with a lease, sends each to its operator, retries with
        back-off until the operator confirms, and records every attempt. Several
        daemons may share one database: no win is ever in flight twice.

        With an "ingest" object in the config it also listens for wins over HTTP
        (POST /v1/wins, GET /v1/wins/{reference}, /healthz, /readyz, /metrics).

        Signals: SIGTERM/SIGINT stop the HTTP listener (requests in flight are
        answered first), stop claiming, let calls in flight finish within
        shutdownGraceSeconds, hand back the rest and exit 0. SIGHUP reloads operators,
        secrets and ingest tokens (a bad config is logged and the old one kept).

        Logs go to stderr, one line per event. --metrics-file writes Prometheus text
        every few seconds (for node_exporter's textfile collector).

        Exit status: 0 stopped by a signal; 1 storage trouble (the outbox was
        replaced, a restore is in progress: systemd restarts it); 2 a usage or
        config error, or an environment it cannot run in: no "database", its
        directory or the --metrics-file directory missing or not writable, an
        outbox file this user may not open (systemd does not restart it, see
        RestartPreventExitStatus; `jackpotd check` finds the same problems).
        """
    static let options: [OptionSpec] = [
        .value("--metrics-file", "PATH", help: "write Prometheus metrics to PATH every 5 s"),
        .value("--log-format", "FORMAT", help: "logfmt (default) or json"),
        .value("--log-level", "LEVEL", help: "debug, info (default), warning or error"),
    ]

    let metricsFile: String?
    let logFormat: LogFormat
    let logLevel: LogLevel

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        metricsFile = arguments.value("--metrics-file")
        let format = arguments.value("--log-format") ?? "logfmt"
        guard let logFormat = LogFormat(rawValue: format) else {
            throw UsageError("--log-format must be logfmt or json, got \"\(format)\"")
        }
        self.logFormat = logFormat
        let level = arguments.value("--log-level") ?? "info"
        guard let logLevel = LogLevel(rawValue: level) else {
            throw UsageError("--log-level must be debug, info, warning or error, got \"\(level)\"")
        }
        self.logLevel = logLevel
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        DaemonHeap.configure()
        let loaded = try context.loadConfig(secrets: .required)
        let databasePath = try context.databasePath(config: loaded.config)
        // Checked before anything is opened: a directory that is missing or not
        // writable is an exit 2, which systemd does not restart into a loop.
        let problems = FileAccess.outboxProblems(databasePath) + (metricsFile.map(FileAccess.metricsFileProblems) ?? [])
        guard problems.isEmpty else { throw EnvironmentError(problems: problems) }
        let logger = Logger(format: logFormat, minimumLevel: logLevel)
        var settings = Dispatcher.Settings()
        settings.metricsFile = metricsFile
        let daemon = Daemon(
            loaded: loaded, environment: context.environment, databasePath: databasePath, logger: logger, settings: settings)
        try await daemon.run()
        return .success
    }
}

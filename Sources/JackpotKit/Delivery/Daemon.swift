import Dispatch
import Foundation

/// `jackpotd run`: the dispatcher plus what a Linux service needs around it —
/// signals, config reload, the HTTP client's lifetime.
public final class Daemon: Sendable {
    public let configPath: String
    public let environment: [String: String]
    public let databasePath: String
    public let logger: Logger
    public let dispatcher: Dispatcher
    private let transport: CurlTransport

    public init(
        loaded: LoadedConfig, environment: [String: String], databasePath: String, logger: Logger,
        settings: Dispatcher.Settings = Dispatcher.Settings()
    ) {
        configPath = loaded.sourcePath
        self.environment = environment
        self.databasePath = databasePath
        self.logger = logger
        transport = CurlTransport(maximumConnectionsPerHost: Self.connectionsPerHost(loaded.config))
        dispatcher = Dispatcher(
            databasePath: databasePath, config: loaded.config, transport: transport, logger: logger, settings: settings)
    }

    /// Enough connections per host that no queued request times out before it starts,
    /// even when several operators share one host.
    static func connectionsPerHost(_ config: JackpotConfig) -> Int {
        min(config.globalConcurrency, config.operators.values.reduce(0) { $0 + $1.concurrency })
    }

    /// Runs until SIGTERM or SIGINT. SIGHUP reloads the config file.
    public func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let queue = DispatchQueue(label: "jackpotd.signals")
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [self] in
                if signalNumber == SIGHUP { reload() } else {
                    logger.info("signal", ["signal": .string(signalNumber == SIGTERM ? "TERM" : "INT")])
                    dispatcher.requestStop()
                }
            }
            source.resume()
            sources.append(source)
        }
        defer { for source in sources { source.cancel() } }
        try await dispatcher.run()
        transport.shutdown()
    }

    /// Re-reads the config; a bad new config is logged and the old one kept.
    func reload() {
        do {
            let loaded = try ConfigLoader.load(path: configPath, environment: environment)
            for warning in loaded.warnings { logger.warning("config_warning", ["warning": .string(warning)]) }
            if let database = loaded.config.database, database != databasePath {
                logger.warning("config_reload", ["note": "database path changes need a restart", "database": .string(database)])
            }
            dispatcher.apply(loaded.config)
            logger.info("config_reloaded", ["path": .string(configPath)])
        } catch {
            logger.error("config_reload_failed", [
                "path": .string(configPath),
                "problems": .string(error.problems.map(\.description).joined(separator: "; ")),
                "note": "keeping the previous config",
            ])
        }
    }
}

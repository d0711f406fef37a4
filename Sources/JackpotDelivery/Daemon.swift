import Dispatch
import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// `jackpotd run`: the delivery service plus what a Linux service needs around
/// it — signals and config reload — as children of one task group.
package final class Daemon: Sendable {
    package let configPath: String
    package let environment: [String: String]
    package let logger: Logger
    package let service: DeliveryService

    package init(
        loaded: LoadedConfig, environment: [String: String], databasePath: String, logger: Logger,
        settings: Dispatcher.Settings = Dispatcher.Settings()
    ) {
        configPath = loaded.sourcePath
        self.environment = environment
        self.logger = logger
        let host = environment["JACKPOTD_HOST"].flatMap { $0.isEmpty ? nil : $0 }
        service = DeliveryService(
            databasePath: databasePath, config: loaded.config, logger: logger, owner: .current(host: host), settings: settings)
    }

    /// Runs until SIGTERM or SIGINT (a graceful stop). SIGHUP reloads the config file.
    package func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try await withThrowingDiscardingTaskGroup { children in
            children.addTask { await self.handleSignals() }
            try await service.run()
            children.cancelAll()
        }
    }

    /// Turns signals into a stop or a reload until cancelled. Dispatch sources,
    /// not `signal()` handlers: libdispatch owns the process's signal handling.
    private func handleSignals() async {
        let queue = DispatchQueue(label: "jackpotd.signals")
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [self] in
                if signalNumber == SIGHUP { reload() } else {
                    logger.info("signal", ["signal": .string(signalNumber == SIGTERM ? "TERM" : "INT")])
                    service.requestStop()
                }
            }
            source.resume()
            sources.append(source)
        }
        await waitUntilCancelled()
        for source in sources { source.cancel() }
    }

    /// Re-reads the config; a bad new config is logged and the old one kept.
    func reload() {
        do {
            let loaded = try ConfigLoader.load(path: configPath, environment: environment)
            for warning in loaded.warnings { logger.warning("config_warning", ["warning": .string(warning)]) }
            if let database = loaded.config.database, database != service.dispatcher.databasePath {
                logger.warning("config_reload", ["note": "database path changes need a restart", "database": .string(database)])
            }
            service.apply(loaded.config)
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

/// Suspends until the current task is cancelled.
func waitUntilCancelled() async {
    let (stream, continuation) = AsyncStream<Never>.makeStream()
    await withTaskCancellationHandler {
        for await _ in stream {}
    } onCancel: {
        continuation.finish()
    }
}

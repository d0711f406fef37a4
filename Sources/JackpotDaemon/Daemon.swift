import Dispatch
import Foundation
import JackpotConfiguration
import JackpotDelivery
import JackpotIngest
import JackpotTelemetry
import Synchronization

/// `jackpotd run`: the delivery service plus what a Linux service needs around
/// it — signals and config reload — as children of one task group, and the
/// HTTP ingest listener when the config has an `ingest` object.
package final class Daemon: Sendable {
    package let configPath: String
    package let environment: [String: String]
    package let logger: Logger
    package let service: DeliveryService
    private let config: JackpotConfig
    private let databasePath: String
    private let ingest = Mutex<IngestServer?>(nil)

    package init(
        loaded: LoadedConfig, environment: [String: String], databasePath: String, logger: Logger,
        settings: Dispatcher.Settings = Dispatcher.Settings()
    ) {
        configPath = loaded.sourcePath
        self.environment = environment
        self.logger = logger
        config = loaded.config
        self.databasePath = databasePath
        let host = environment["JACKPOTD_HOST"].flatMap { $0.isEmpty ? nil : $0 }
        service = DeliveryService(
            databasePath: databasePath, config: loaded.config, logger: logger, owner: .current(host: host), settings: settings)
    }

    /// Runs until SIGTERM or SIGINT (a graceful stop), or until its task is
    /// cancelled (a hard stop, see `DeliveryService`). SIGHUP reloads the config
    /// file. The signals are a sequence a child task reads; it ends with the others.
    package func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try startIngest()
        try await withThrowingDiscardingTaskGroup { children in
            children.addTask { await self.handleSignals() }
            do {
                try await service.run()
            } catch {
                stopIngest()
                throw error
            }
            stopIngest()
            children.cancelAll()
        }
    }

    /// The listener, before delivery starts: it opens (and migrates) the outbox
    /// first, and a bad address or certificate stops `run` before anything else.
    private func startIngest() throws {
        guard let ingestConfig = config.ingest else { return }
        let server = try IngestServer(
            config: config, ingest: ingestConfig, databasePath: databasePath, logger: logger, metrics: service.metrics,
            metricsPage: { [service] outbox in try service.metricsPage(outbox) })
        ingest.withLock { $0 = server }
    }

    /// Stops the listener (requests in flight finish first); a no-op when there is none or it has stopped.
    private func stopIngest() {
        guard let server = ingest.withLock({ $0.take() }) else { return }
        server.stop(graceSeconds: service.shutdownGraceSeconds)
    }

    /// Turns signals into a graceful stop or a reload until cancelled. Reloading
    /// reads a file and stopping the listener waits for its requests: both run
    /// on a dispatch queue, never on one of the few cooperative threads.
    private func handleSignals() async {
        let queue = DispatchQueue(label: "jackpotd.signal-actions")
        for await signalNumber in UnixSignals([SIGTERM, SIGINT, SIGHUP]) {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                queue.async { [self] in
                    if signalNumber == SIGHUP {
                        reload()
                    } else {
                        logger.info("signal", ["signal": .string(signalNumber == SIGTERM ? "TERM" : "INT")])
                        // The listener first: what it accepted is committed before delivery stops.
                        stopIngest()
                        service.requestStop()
                    }
                    done.resume()
                }
            }
        }
    }

    /// Re-reads the config; a bad new config is logged and the old one kept.
    func reload() {
        do {
            let loaded = try ConfigLoader.load(path: configPath, environment: environment)
            for warning in loaded.warnings { logger.warning("config_warning", ["warning": .string(warning)]) }
            if let database = loaded.config.database, database != service.databasePath {
                logger.warning("config_reload", ["note": "database path changes need a restart", "database": .string(database)])
            }
            service.apply(loaded.config)
            if loaded.config.ingest?.listen != config.ingest?.listen || loaded.config.ingest?.tls != config.ingest?.tls {
                logger.warning("config_reload", ["note": "ingest.listen and ingest.tls changes need a restart"])
            }
            ingest.withLock { $0 }?.apply(loaded.config)
            logger.info("config_reloaded", ["path": .string(configPath)])
        } catch {
            logger.error(
                "config_reload_failed",
                [
                    "path": .string(configPath),
                    "problems": .string(error.problems.map(\.description).joined(separator: "; ")),
                    "note": "keeping the previous config",
                ])
        }
    }
}

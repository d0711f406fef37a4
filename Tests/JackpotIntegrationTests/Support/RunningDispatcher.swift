import Foundation
import Testing
import JackpotConfiguration
import JackpotDelivery
import JackpotTelemetry
import JackpotWire
import TestSupport

/// The real `DeliveryService` running in-process on a task: real SQLite, real
/// HTTP (or a scripted transport), logs captured.
final class RunningDispatcher {
    let service: DeliveryService
    /// The service's dispatcher, for its pass counts.
    var dispatcher: Dispatcher { service.dispatcher }
    let sink = CapturingSink()
    let metrics = MetricsRegistry()
    let databasePath: String
    private var task: Task<Void, any Error>?

    /// Loads `configPath` the way `jackpotd run` does and starts delivering from
    /// the config's database (or `databasePath`).
    init(
        configPath: String, databasePath: String? = nil, transport: (any HTTPTransport)? = nil,
        owner: LeaseOwner = .current(), settings: Dispatcher.Settings = Dispatcher.Settings(),
        clock: (@Sendable () -> Int64)? = nil
    ) throws {
        let config = try ConfigLoader.load(path: configPath, environment: [:]).config
        self.databasePath = try databasePath ?? #require(config.database)
        service = DeliveryService(
            databasePath: self.databasePath, config: config, logger: Logger(sink: sink), metrics: metrics,
            transport: transport, owner: owner, settings: settings, clock: clock ?? WallClock.nowMilliseconds)
        task = Task { [service] in try await service.run() }
    }

    /// What the dispatcher logged so far, one event a line.
    var log: [String] { sink.lines }

    /// Whether an event named `event` was logged with every one of `fields` (`key=value` as in logfmt).
    func logged(_ event: String, _ fields: String...) -> Bool {
        log.contains { line in line.contains("event=\(event) ") && fields.allSatisfy { line.contains($0) } }
    }

    /// Stops claiming, waits for the calls in flight (within the grace period) and the final writes.
    func stop() async throws {
        guard let task else { return }
        self.task = nil
        service.requestStop()
        try await task.value
    }

    deinit {
        // A test that failed early still must not leave a dispatcher running.
        if task != nil { service.requestStop() }
    }
}

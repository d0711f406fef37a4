import Foundation
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
import TestSupport

/// The real `Dispatcher` running in-process on a task: real SQLite, real HTTP
/// through `URLSessionTransport` (or a scripted transport), logs captured.
final class RunningDispatcher {
    let dispatcher: Dispatcher
    let sink = CapturingSink()
    let metrics = MetricsRegistry()
    let databasePath: String
    private let urlSession: URLSessionTransport?
    private var task: Task<Void, any Error>?

    /// Loads `configPath` the way `jackpotd run` does and starts delivering from
    /// the config's database (or `databasePath`).
    init(
        configPath: String, databasePath: String? = nil, transport: (any HTTPTransport)? = nil,
        owner: LeaseOwner = .current(), settings: Dispatcher.Settings = Dispatcher.Settings(),
        clock: (@Sendable () -> Int64)? = nil
    ) throws {
        let config = try ConfigLoader.load(path: configPath, environment: [:]).config
        self.databasePath = databasePath ?? config.database!
        urlSession = transport == nil ? URLSessionTransport(maximumConnectionsPerHost: Daemon.connectionsPerHost(config)) : nil
        dispatcher = Dispatcher(
            databasePath: self.databasePath, config: config, transport: transport ?? urlSession!,
            logger: Logger(sink: sink), metrics: metrics, owner: owner, settings: settings,
            clock: clock ?? WallClock.nowMilliseconds)
        let dispatcher = dispatcher
        task = Task { try await dispatcher.run() }
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
        dispatcher.requestStop()
        try await task.value
        urlSession?.shutdown()
    }

    deinit {
        // A test that failed early still must not leave a dispatcher running.
        if task != nil { dispatcher.requestStop() }
    }
}

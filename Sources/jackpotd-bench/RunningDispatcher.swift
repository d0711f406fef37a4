import JackpotKit

/// The real `Dispatcher` with the real `CurlTransport`, running in this
/// process as `jackpotd run` would run it (the bench's logger formats every
/// line and discards it).
final class RunningDispatcher {
    private let dispatcher: Dispatcher
    private let transport: CurlTransport
    private let task: Task<Void, any Error>

    init(databasePath: String, config: JackpotConfig) {
        transport = CurlTransport(maximumConnectionsPerHost: BenchOperator.connectionsPerHost(config))
        dispatcher = Dispatcher(databasePath: databasePath, config: config, transport: transport, logger: .bench)
        task = Task { [dispatcher] in try await dispatcher.run() }
    }

    /// Stops as SIGTERM would, then releases the HTTP client.
    func stop() async throws {
        dispatcher.requestStop()
        try await task.value
        transport.shutdown()
    }
}

import JackpotConfiguration
import JackpotDelivery

/// The real `DeliveryService`, as `jackpotd run` starts it, running in this
/// process (the bench's logger formats every line and discards it).
final class RunningDispatcher {
    private let service: DeliveryService
    private let task: Task<Void, any Error>

    /// `transport`: the production libcurl transport unless given.
    init(databasePath: String, config: JackpotConfig, transport: (any HTTPTransport)? = nil) {
        service = DeliveryService(databasePath: databasePath, config: config, logger: .bench, transport: transport)
        task = Task { [service] in try await service.run() }
    }

    /// Stops as SIGTERM would.
    func stop() async throws {
        service.requestStop()
        try await task.value
    }
}

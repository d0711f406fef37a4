import Foundation
import Testing
import Synchronization
import JackpotConfiguration
import JackpotDelivery
import JackpotTelemetry
import TestSupport

/// The daemon's `DeliveryService` over the real HTTP transport, running inside
/// the test process, with its log captured. For fault tests where the point is
/// what the daemon does, not how a process dies.
final class InProcessDaemon {
    let service: DeliveryService
    /// The service's dispatcher, for its pass counts.
    var dispatcher: Dispatcher { service.dispatcher }
    let databasePath: String
    private let sink = CapturingSink()
    private let ended = EndFlag()
    private var task: Task<Void, any Error>?

    /// Loads `configPath` (as `jackpotd run` would) and starts delivering.
    /// Housekeeping runs every 100 ms so rows inserted by SQL are checked quickly.
    init(configPath: String) throws {
        let loaded = try ConfigLoader.load(path: configPath, environment: [:])
        databasePath = try #require(loaded.config.database)
        var settings = Dispatcher.Settings()
        settings.housekeepingIntervalMilliseconds = 100
        service = DeliveryService(
            databasePath: databasePath, config: loaded.config, logger: Logger(sink: sink), settings: settings)
        task = Task { [service, ended] in
            defer { ended.value.store(true, ordering: .releasing) }
            try await service.run()
        }
    }

    /// Every log line so far.
    var log: [String] { sink.lines }

    /// Log lines of one event (`event=NAME`).
    func events(_ name: String) -> [String] {
        sink.lines.filter { $0.contains(" event=\(name) ") || $0.hasSuffix(" event=\(name)") }
    }

    /// False once `run()` returned or threw: a daemon that stopped by itself.
    var isRunning: Bool { !ended.value.load(ordering: .acquiring) }

    /// Stops it as SIGTERM would and waits; rethrows what `run()` threw.
    func stop() async throws {
        guard let task else { return }
        self.task = nil
        service.requestStop()
        try await task.value
    }

    deinit {
        // A test that failed before `stop()` must not leave a loop running.
        service.requestStop()
    }
}

/// Set once the dispatcher's `run()` has returned; shared with the task running it.
private final class EndFlag: Sendable {
    let value = Atomic<Bool>(false)
}

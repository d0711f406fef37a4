import Foundation
import Testing
import TestSupport
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// A dispatcher and its store over a temporary outbox, with a manual clock and
/// the operators given, configured as the daemon's first loop pass would: what
/// a maintenance service needs for its `runOnce`, without a loop, calls or a daemon.
struct MaintenanceFixture {
    let directory = TemporaryDirectory()
    let clock = ManualClock(startingAt: 1_800_000_000_000)
    let sink = CapturingSink()
    /// Whom the dispatcher's leases and heartbeat name.
    let owner: LeaseOwner
    let dispatcher: Dispatcher
    let store: DispatcherStore

    var path: String { directory.path("outbox.sqlite3") }
    /// The test's own view of the outbox, as another process would have it.
    var probe: OutboxProbe { OutboxProbe(path) }

    init(operators: [OperatorConfig] = [MaintenanceFixture.operatorConfig("casino-a")], owner: LeaseOwner = .current())
        async throws
    {
        let config = JackpotConfig(
            providerId: "provider-1", operators: Dictionary(uniqueKeysWithValues: operators.map { ($0.name, $0) }))
        self.owner = owner
        dispatcher = Dispatcher(
            databasePath: directory.path("outbox.sqlite3"), config: config, transport: NoCalls(), logger: Logger(sink: sink),
            owner: owner, clock: clock.function)
        store = DispatcherStore(dispatcher: dispatcher)
        try await store.open(path: directory.path("outbox.sqlite3"), busyTimeoutMilliseconds: 5000, checkpoints: .sqlite)
        try await store.applyPendingConfig(now: clock.now)
    }

    static func operatorConfig(_ name: String, maxAgeHours: Double = 72) -> OperatorConfig {
        var config = OperatorConfig(name: name, url: "http://127.0.0.1:9/\(name)", secret: "\(name)-secret")
        config.retry.maxAgeHours = maxAgeHours
        return config
    }

    /// A connection of the test's own, for writes the probe has no call for.
    func withOutbox<T>(_ body: (Outbox) throws -> T) throws -> T {
        try body(Outbox(path: path))
    }

    /// Whether an event named `event` was logged with every one of `fields`.
    func logged(_ event: String, _ fields: String...) -> Bool {
        sink.lines.contains { line in line.contains("event=\(event) ") && fields.allSatisfy { line.contains($0) } }
    }

    /// No test here makes a call.
    private struct NoCalls: HTTPTransport {
        func send(_ request: HTTPRequestData, timeoutSeconds: Double) async -> HTTPExchangeResult {
            .failure(.other("no calls in a maintenance test"))
        }
    }
}

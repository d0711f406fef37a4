import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire
import Synchronization

/// Everything that delivers wins, as one service: the dispatcher loop, the
/// maintenance services and the metrics writer, children of one task group
/// over one serialized writer connection. `jackpotd run`, the demo, the tests
/// and the bench all start this, so what they exercise is what production runs.
///
/// Shaped like swift-service-lifecycle's services, with two ways to stop:
/// - graceful (`requestStop()`, what SIGTERM does): no new claims, calls
///   finish within the grace period, results stored, claims handed back;
/// - hard (the task running `run()` is cancelled): no new claims, calls in
///   flight cancelled at once (each recorded as an attempt to retry), results
///   stored, claims handed back, in one try; what cannot be stored is left as
///   a crash would leave it, leases that expire and wins sent again.
/// Either way `run()` then cancels the periodic children and returns.
package final class DeliveryService: Sendable {
    package let dispatcher: Dispatcher
    private let transport: any HTTPTransport
    /// The transport this service made, and so shuts down; nil when the caller passed one.
    private let ownTransport: CurlTransport?

    /// `transport` defaults to the production HTTP transport, sized for `config`.
    package init(
        databasePath: String, config: JackpotConfig, logger: Logger, metrics: MetricsRegistry = MetricsRegistry(),
        transport: (any HTTPTransport)? = nil, owner: LeaseOwner = .current(),
        settings: Dispatcher.Settings = Dispatcher.Settings(),
        clock: @escaping @Sendable () -> Int64 = WallClock.nowMilliseconds
    ) {
        ownTransport =
            transport == nil
            ? CurlTransport(
                maximumConnectionsPerHost: Self.connectionsPerHost(config),
                connections: CurlConnectionSettings(
                    maxConnections: config.maxConnections, idleConnectionSeconds: config.transport.idleConnectionSeconds))
            : nil
        self.transport = transport ?? ownTransport!
        dispatcher = Dispatcher(
            databasePath: databasePath, config: config, transport: self.transport, logger: logger, metrics: metrics,
            owner: owner, settings: settings, clock: clock)
    }

    /// Enough connections per host that no queued request times out before it starts,
    /// even when several operators share one host.
    package static func connectionsPerHost(_ config: JackpotConfig) -> Int {
        min(config.globalConcurrency, config.operators.values.reduce(0) { $0 + $1.concurrency })
    }

    /// Runs until `requestStop()` or until its task is cancelled. Throws when the
    /// outbox cannot be opened for writing, or when it was deleted or replaced while running.
    package func run() async throws {
        let result: Result<Void, any Error>
        do {
            try await deliver()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        await ownTransport?.close()
        try result.get()
    }

    private func deliver() async throws {
        // Held while delivering, so `restore` cannot swap the file under this daemon.
        let presence = try DaemonPresence(database: dispatcher.databasePath, mode: .daemon)
        defer { withExtendedLifetime(presence) {} }
        let store = DispatcherStore(dispatcher: dispatcher)
        // Both are read once: a reload that changes them takes effect at the next start.
        let (busyTimeout, checkpoints) = dispatcher.control.withLock {
            ($0.config.busyTimeoutMilliseconds, $0.config.checkpoints)
        }
        try await store.open(path: dispatcher.databasePath, busyTimeoutMilliseconds: busyTimeout, checkpoints: checkpoints)
        let maintainer = Maintainer(store: store, dispatcher: dispatcher)
        await withDiscardingTaskGroup { children in
            children.addTask { await maintainer.run() }
            if let path = dispatcher.settings.metricsFile {
                children.addTask { await MetricsWriter(store: store, dispatcher: self.dispatcher, path: path).run() }
            }
            await dispatcher.run(store)
            children.cancelAll()
        }
        if let error = maintainer.databaseMoved { throw error }
        let dropped = dispatcher.droppedConfirmations.load(ordering: .relaxed)
        if dropped > 0 { throw Dispatcher.UnrecordedConfirmationsError(count: dropped) }
    }

    /// Stop claiming, let calls in flight finish within the grace period, release the rest.
    package func requestStop() {
        dispatcher.requestStop()
    }

    /// Takes a reloaded configuration (operators, secrets, limits) at the next wake-up.
    package func apply(_ config: JackpotConfig) {
        dispatcher.apply(config)
    }

}

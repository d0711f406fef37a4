import JackpotTelemetry

/// Writes the Prometheus file every `metricsIntervalMilliseconds`, and once
/// more when cancelled, so the file shows the daemon's last state. A child of
/// `DeliveryService`.
struct MetricsWriter: Sendable {
    let store: DispatcherStore
    let dispatcher: Dispatcher
    let path: String

    func run() async {
        let interval = Duration.milliseconds(dispatcher.settings.metricsIntervalMilliseconds)
        while !Task.isCancelled {
            await write()
            try? await Task.sleep(for: interval)
        }
        await write()
    }

    private func write() async {
        do {
            try await store.writeMetrics(to: path, now: dispatcher.clock())
        } catch {
            dispatcher.logger.error("storage_error", ["error": .string(String(describing: error)), "in": "metrics"])
        }
    }
}

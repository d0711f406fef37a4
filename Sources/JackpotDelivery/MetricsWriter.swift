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

    /// The gauges are read from the outbox on the store's queue; the text, some
    /// twenty lines per operator, is rendered and written here, so a thousand
    /// operators' file does not hold up claims and records.
    private func write() async {
        do {
            try await store.refreshMetrics(now: dispatcher.clock())
        } catch {
            dispatcher.logger.error("storage_error", ["error": .string(String(describing: error)), "in": "metrics"])
            return
        }
        do {
            try AtomicFile.write(to: path) { write in dispatcher.metrics.render(write) }
        } catch {
            dispatcher.logger.error("metrics_write_failed", ["path": .string(path), "error": .string(String(describing: error))])
        }
    }
}

import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import Synchronization

/// What the daemon around the service (JackpotDaemon: signals, reload and the
/// ingest listener) reads of it; the dispatcher's own fields stay internal.
extension DeliveryService {
    /// The outbox file the service delivers from (a reload cannot change it).
    package var databasePath: String { dispatcher.databasePath }

    /// The registry the ingest listener adds its own series to, so one page shows both.
    package var metrics: MetricsRegistry { dispatcher.metrics }

    /// The page the ingest listener's `GET /metrics` serves: the outbox's gauges
    /// refreshed from `outbox`, then everything rendered.
    package func metricsPage(_ outbox: Outbox) throws -> [UInt8] {
        try dispatcher.refreshMetrics(outbox, now: dispatcher.clock())
        return dispatcher.metrics.renderUTF8()
    }

    /// How long a graceful stop lets work in flight finish, as the current config says.
    package var shutdownGraceSeconds: Double { dispatcher.control.withLock { $0.config.shutdownGraceSeconds } }
}

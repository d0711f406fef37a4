import JackpotTelemetry

/// The listener's metric families, in the same registry (and so the same
/// textfile and `/metrics` page) as the daemon's.
package enum IngestMetrics {
    package static let requests = MetricDefinition(
        "jackpotd_ingest_requests_total", .counter, labels: ["code"],
        help: "HTTP requests the ingest listener answered, by status code.")
    package static let wins = MetricDefinition(
        "jackpotd_ingest_wins_total", .counter, labels: ["result"],
        help: "Wins posted over HTTP and stored or matched, by result (accepted, duplicate, conflict).")
    package static let commits = MetricDefinition(
        "jackpotd_ingest_commits_total", .counter,
        help: "Write transactions (each one fsync) the ingest writer committed: far fewer than requests under load.")
    package static let writerBusy = MetricDefinition(
        "jackpotd_ingest_writer_busy_seconds_total", .counter,
        help: "Seconds the ingest writer spent storing, committing and answering; near 1 a second, posts wait on it.")
    package static let inFlight = MetricDefinition(
        "jackpotd_ingest_requests_in_flight", .gauge,
        help: "Requests the ingest listener has begun and not yet answered (a scrape of /metrics counts itself).")

    /// Every family above, in the order of the documentation's table.
    package static let all: [MetricDefinition] = [requests, wins, commits, writerBusy, inFlight]
}

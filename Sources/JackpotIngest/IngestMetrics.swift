/// The listener's metric families, in the same registry (and so the same
/// textfile and `/metrics` page) as delivery's.
package enum IngestMetricNames {
    package static let requests = "jackpotd_ingest_requests_total"
    package static let wins = "jackpotd_ingest_wins_total"
    package static let inFlight = "jackpotd_ingest_requests_in_flight"
    package static let commits = "jackpotd_ingest_commits_total"
}

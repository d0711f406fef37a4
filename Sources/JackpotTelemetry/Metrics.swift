import Synchronization

/// The metric families the daemon exports. Alert rules and dashboards depend
/// on them, so they are defined here once and change only deliberately.
package enum DaemonMetrics {
    package static let wins = MetricDefinition(
        "jackpotd_wins", .gauge, labels: ["operator", "state"],
        help: "Wins in the outbox by operator and state (pending, sending, delivered, failed, cancelled).")
    package static let oldestPendingAgeSeconds = MetricDefinition(
        "jackpotd_oldest_pending_age_seconds", .gauge, labels: ["operator"],
        help: "Age of the oldest win not yet delivered or parked.")
    package static let attemptsTotal = MetricDefinition(
        "jackpotd_attempts_total", .counter, labels: ["operator", "outcome"],
        help: "Calls made to operators, by outcome (delivered, retry, failed).")
    /// Buckets from a local operator's few milliseconds up to the largest sensible timeout.
    package static let attemptDurationSeconds = MetricDefinition(
        "jackpotd_attempt_duration_seconds", .histogram, labels: ["operator"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        help: "Duration of calls to operators.")
    package static let circuitOpen = MetricDefinition(
        "jackpotd_circuit_open", .gauge, labels: ["operator"],
        help: "1 while the operator's circuit is open or half-open.")
    package static let operatorPaused = MetricDefinition(
        "jackpotd_operator_paused", .gauge, labels: ["operator"],
        help: "1 while the operator is paused by ops.")
    package static let consecutiveRefusals = MetricDefinition(
        "jackpotd_operator_consecutive_refusals", .gauge, labels: ["operator", "error_code"],
        help: "Consecutive wins the operator refused with the same error code (0, with error_code \"\", when none).")
    package static let unconfiguredPendingWins = MetricDefinition(
        "jackpotd_unconfigured_operator_pending_wins", .gauge, labels: ["operator"],
        help: "Pending wins of operators not in the config: nothing sends them.")
    package static let transactionIdMismatchWins = MetricDefinition(
        "jackpotd_transaction_id_mismatch_wins", .gauge,
        help:
            "Delivered wins a repeat delivery confirmed under another transactionId (the first is kept): the operator may have credited twice."
    )
    package static let walDeleted = MetricDefinition(
        "jackpotd_wal_deleted", .gauge,
        help:
            "1 once this daemon found the outbox's -wal file deleted under it (it saved what the log held into the database file, stopped claiming and exits 1), else 0."
    )
    package static let operatorRateLimited = MetricDefinition(
        "jackpotd_operator_rate_limited", .gauge, labels: ["operator"],
        help: "1 while the operator's rate limit holds due wins back in pending.")
    package static let operatorSecretInUse = MetricDefinition(
        "jackpotd_operator_secret_in_use", .gauge, labels: ["operator", "secret"],
        help:
            "During a secret rotation, 1 for the secret (current, previous) the operator's wallet last accepted, 0 for the other."
    )
    package static let secretFallbackCallsTotal = MetricDefinition(
        "jackpotd_secret_fallback_calls_total", .counter, labels: ["operator"],
        help: "Calls sent again with the operator's other secret after a bad-hash refusal during a rotation.")
    package static let metricsWrittenTimestampSeconds = MetricDefinition(
        "jackpotd_metrics_written_timestamp_seconds", .gauge,
        help: "When this file was written, so a dead daemon or a stuck writer can be alerted on.")

    /// Every family above, in the order of the documentation's table.
    package static let all: [MetricDefinition] = [
        wins, oldestPendingAgeSeconds, attemptsTotal, attemptDurationSeconds, circuitOpen, operatorPaused,
        consecutiveRefusals, unconfiguredPendingWins, transactionIdMismatchWins, walDeleted, operatorRateLimited,
        operatorSecretInUse, secretFallbackCallsTotal, metricsWrittenTimestampSeconds,
    ]
}

/// The metric kinds the registry knows, named as in the exposition format.
package enum MetricType: String, Sendable {
    case counter, gauge, histogram
}

/// In-memory metrics, rendered to Prometheus text for node_exporter's textfile
/// collector. Everything sits behind one `Mutex`: updates are a dictionary
/// write, far cheaper than the HTTP attempt they describe.
///
/// A call whose type contradicts an earlier call for the same name is ignored,
/// and so is one whose label names differ from the family's first series' or
/// that has more than `maximumLabels`: exporting two types under one name would
/// make the whole file unscrapeable, and one definition (`MetricDefinition`)
/// names a family's labels.
package final class MetricsRegistry: Sendable {
    /// Labels a series may have (a histogram's `le` aside): what `SeriesKey` holds.
    package static let maximumLabels = 2

    private let state = Mutex(State())

    private struct State: Sendable {
        var families: [String: MetricFamily] = [:]
        var labelValues = LabelValues()
    }

    package init() {}

    /// Adds `add` (which must not be negative: counters only go up) to a counter.
    package func counter(_ name: String, help: String, labels: [String: String], add: Double = 1) {
        guard add >= 0 else { return }
        update(name, help: help, type: .counter, labels: labels) { family, key in
            family.scalars[key, default: 0] += add
        }
    }

    package func gauge(_ name: String, help: String, labels: [String: String], set: Double) {
        update(name, help: help, type: .gauge, labels: labels) { family, key in
            family.scalars[key] = set
        }
    }

    /// Records one observation. The bucket bounds are fixed by the first call for
    /// a name; later calls' `buckets` are ignored so counts stay comparable.
    package func observe(_ name: String, help: String, labels: [String: String], value: Double, buckets: [Double]) {
        observe(name, help: help, labels: labels, values: [value], buckets: buckets)
    }

    /// Records several observations of one series in one update.
    package func observe(_ name: String, help: String, labels: [String: String], values: [Double], buckets: [Double]) {
        guard !values.isEmpty else { return }
        update(name, help: help, type: .histogram, labels: labels) { family, key in
            if family.bounds.isEmpty && family.histograms.isEmpty {
                family.bounds = Array(Set(buckets.filter { $0.isFinite })).sorted()
            }
            let bounds = family.bounds
            // In place: a copy out and back would copy the bucket counts on every update.
            for value in values {
                family.histograms[key, default: Histogram(bucketCount: bounds.count)].record(value, bounds: bounds)
            }
        }
    }

    /// Drops every sample of a gauge. Gauges recomputed from the database each
    /// cycle call this first, so an operator or state that vanished stops being
    /// exported instead of reporting its last value forever.
    package func resetGauges(named name: String) {
        state.withLock { state in
            guard state.families[name]?.type == .gauge, let labelCount = state.families[name]?.labelNames.count else { return }
            for key in state.families[name]!.scalars.keys {
                for position in 0..<labelCount { state.labelValues.release(key[position]) }
            }
            // Its capacity kept: the cycle that reset it sets as many series again at once.
            state.families[name]?.scalars.removeAll(keepingCapacity: true)
        }
    }

    /// The whole registry in text exposition format 0.0.4, in a stable order
    /// (metric name, then label values) so successive files diff cleanly.
    package func render() -> String {
        var output = ""
        render { output += $0 }
        return output
    }

    /// The same text as the UTF-8 bytes of an HTTP answer, without a copy as a String first.
    package func renderUTF8() -> [UInt8] {
        var bytes: [UInt8] = []
        render { bytes += $0.utf8 }
        return bytes
    }

    /// The same text in pieces of some tens of kilobytes, handed to `write` in
    /// order: a file or an answer needs no copy of the whole text (7 MB with
    /// ten thousand operators) held at once.
    package func render(_ write: (String) -> Void) {
        let snapshot = state.withLock { $0 }
        var output = ""
        output.reserveCapacity(PrometheusText.pieceSize)
        for name in snapshot.families.keys.sorted() {
            PrometheusText.append(
                name: name, family: snapshot.families[name]!, labelValues: snapshot.labelValues, to: &output, flush: write)
        }
        if !output.isEmpty { write(output) }
    }

    private func update(
        _ name: String, help: String, type: MetricType, labels: [String: String],
        _ body: (inout MetricFamily, SeriesKey) -> Void
    ) {
        let name = PrometheusText.sanitizedMetricName(name)
        guard labels.count <= Self.maximumLabels else { return }
        let pairs = labels.map { (name: PrometheusText.sanitizedLabelName($0.key), value: $0.value) }.sorted { $0.name < $1.name }
        state.withLock { state in
            if state.families[name] == nil {
                state.families[name] = MetricFamily(help: help, type: type, labelNames: pairs.map(\.name))
            }
            let fits = state.families[name].map { $0.type == type && $0.labelNames.elementsEqual(pairs.lazy.map(\.name)) }
            guard fits == true else { return }
            let known = pairs.compactMap { state.labelValues.number(of: $0.value) }
            let existing = known.count == pairs.count ? SeriesKey(known) : nil
            let key =
                existing.flatMap { state.families[name]!.hasSeries($0) ? $0 : nil }
                // A new series: it holds its label values from now on.
                ?? SeriesKey(pairs.map { state.labelValues.retain($0.value) })
            // In place: a copy out and back would duplicate the family's samples on every update.
            body(&state.families[name]!, key)
        }
    }
}

/// All samples sharing one metric name.
struct MetricFamily: Sendable {
    var help: String
    var type: MetricType
    /// The label names of every series, sorted; a key's values are in this order.
    let labelNames: [String]
    /// Counter and gauge values by series.
    var scalars: [SeriesKey: Double] = [:]
    /// Histogram upper bounds (finite, ascending); `+Inf` is implicit.
    var bounds: [Double] = []
    var histograms: [SeriesKey: Histogram] = [:]

    init(help: String, type: MetricType, labelNames: [String]) {
        self.help = help
        self.type = type
        self.labelNames = labelNames
    }

    var isEmpty: Bool { scalars.isEmpty && histograms.isEmpty }

    func hasSeries(_ key: SeriesKey) -> Bool { scalars[key] != nil || histograms[key] != nil }
}

/// Per-bucket (non-cumulative) counts; rendering accumulates them.
struct Histogram: Sendable {
    /// One slot per finite bound, plus a last one for values above them all.
    var counts: [UInt64]
    var sum: Double = 0
    var count: UInt64 = 0

    init(bucketCount: Int) {
        counts = Array(repeating: 0, count: bucketCount + 1)
    }

    mutating func record(_ value: Double, bounds: [Double]) {
        let slot = bounds.firstIndex { value <= $0 } ?? bounds.count
        counts[slot] += 1
        sum += value
        count += 1
    }
}

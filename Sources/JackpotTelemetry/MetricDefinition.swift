/// One metric family, defined once: its name, type, HELP text, labels and
/// buckets. The registry takes it whole, so the exported text cannot drift from
/// it, and docs/operations.md's metrics table is its rows (a test compares them).
package struct MetricDefinition: Sendable {
    package let name: String
    package let type: MetricType
    /// The `# HELP` line, and the table's "meaning" column.
    package let help: String
    /// The label names every series carries, in the table's order.
    package let labels: [String]
    /// Upper bounds of a histogram's buckets; empty for counters and gauges.
    package let buckets: [Double]

    package init(_ name: String, _ type: MetricType, labels: [String] = [], buckets: [Double] = [], help: String) {
        self.name = name
        self.type = type
        self.help = help
        self.labels = labels
        self.buckets = buckets
    }

    /// The row of docs/operations.md's metrics table.
    package var documentationRow: String {
        let labelText = labels.isEmpty ? "" : labels.map { "`\($0)`" }.joined(separator: ", ")
        return "| `\(name)` | \(type.rawValue) | \(labelText) | \(help) |"
    }
}

extension MetricsRegistry {
    /// Adds `add` to a counter series of `metric`, whose labels must be its own.
    package func counter(_ metric: MetricDefinition, labels: [String: String], add: Double = 1) {
        check(metric, .counter, labels)
        counter(metric.name, help: metric.help, labels: labels, add: add)
    }

    package func gauge(_ metric: MetricDefinition, labels: [String: String], set: Double) {
        check(metric, .gauge, labels)
        gauge(metric.name, help: metric.help, labels: labels, set: set)
    }

    /// Records observations of one histogram series, in `metric`'s buckets.
    package func observe(_ metric: MetricDefinition, labels: [String: String], values: [Double]) {
        check(metric, .histogram, labels)
        observe(metric.name, help: metric.help, labels: labels, values: values, buckets: metric.buckets)
    }

    /// Drops every series of a gauge recomputed from scratch (see `resetGauges(named:)`).
    package func resetGauges(_ metric: MetricDefinition) {
        resetGauges(named: metric.name)
    }

    /// A series with other labels than its definition's is a bug the tests must catch.
    private func check(_ metric: MetricDefinition, _ type: MetricType, _ labels: [String: String]) {
        assert(metric.type == type, "\(metric.name) is a \(metric.type.rawValue), not a \(type.rawValue)")
        assert(Set(labels.keys) == Set(metric.labels), "\(metric.name) has labels \(metric.labels), not \(labels.keys.sorted())")
    }
}

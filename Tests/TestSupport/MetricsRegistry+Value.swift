import JackpotTelemetry

extension MetricsRegistry {
    /// A counter's or gauge's current value, read off the rendered text as a
    /// scraper would see it (labels in key order, as `render()` writes them).
    package func value(_ name: String, labels: [String: String]) -> Double? {
        let labelText =
            labels.isEmpty
            ? ""
            : "{"
                + labels.sorted { $0.key < $1.key }
                .map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
        let prefix = name + labelText + " "
        return render().split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
    }
}

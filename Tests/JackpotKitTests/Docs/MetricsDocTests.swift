import Foundation
import Testing
import TestSupport

/// docs/operations.md's metrics table names every metric the daemon writes
/// (`MetricNames` in Sources/JackpotTelemetry/Metrics.swift, and the ingest
/// listener's `IngestMetricNames`) and every metric
/// the alert rules in Deploy/prometheus/jackpotd-alerts.yml query, and only
/// metrics the daemon writes.
@Suite(.timeLimit(.minutes(2))) struct MetricsDocTests {
    @Test func theMetricsTableListsEveryMetricWrittenOrAlertedOn() throws {
        let operations = try DocsText(DocsText.operations)
        let section = try #require(operations.section("### Metrics"), "\(operations.page) has no Metrics section")
        let documented = Set(section.split(separator: "\n").filter { $0.hasPrefix("| `jackpotd_") }.compactMap { row in
            row.split(separator: "`").dropFirst().first.map(String.init)
        })
        let written = try Self.metricNames(inFile: "Sources/JackpotTelemetry/Metrics.swift")
            .union(try Self.metricNames(inFile: "Sources/JackpotIngest/IngestMetricNames.swift"))
        let alerted = try Self.metricNames(inFile: "Deploy/prometheus/jackpotd-alerts.yml")
        try #require(!written.isEmpty && !alerted.isEmpty)
        #expect(written.subtracting(documented).isEmpty, "written but not in the table: \(written.subtracting(documented).sorted())")
        #expect(alerted.subtracting(documented).isEmpty, "alerted on but not in the table: \(alerted.subtracting(documented).sorted())")
        #expect(documented.subtracting(written).isEmpty, "in the table but never written: \(documented.subtracting(written).sorted())")
    }

    /// The `jackpotd_…` metric names in a file of the package; a histogram's series suffixes dropped.
    static func metricNames(inFile path: String) throws -> Set<String> {
        let text = try String(contentsOfFile: DocsText.path(of: path), encoding: .utf8)
        let expression = try Regex(#"jackpotd_[a-z_]+"#)
        return Set(text.matches(of: expression).map { match in
            var name = String(text[match.range])
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && name.hasPrefix("jackpotd_attempt_duration_seconds") {
                name = String(name.dropLast(suffix.count))
            }
            return name
        })
    }
}

import Foundation
import Testing
import JackpotIngest
import JackpotTelemetry
import TestSupport

/// docs/operations.md's metrics table is the metric definitions the registry
/// exports (`DaemonMetrics`, `IngestMetrics`), row for row: name, type, labels
/// and the HELP text. And every metric the alert rules in
/// Deploy/prometheus/jackpotd-alerts.yml query is one of them.
///
/// With `JACKPOTD_DOCS_RECORD=1` the test writes the rows into the page
/// instead of failing: how the table follows a changed definition.
@Suite(.timeLimit(.minutes(2))) struct MetricsDocTests {
    static let definitions = DaemonMetrics.all + IngestMetrics.all

    @Test func theMetricsTableIsTheDefinitions() throws {
        let page = DocsText.operations
        let operations = try DocsText(page)
        let section = try #require(operations.section("### Metrics"), "\(page) has no Metrics section")
        let documented = section.split(separator: "\n").filter { $0.hasPrefix("| `jackpotd_") }.map(String.init)
        let defined = Self.definitions.map(\.documentationRow)
        if ProcessInfo.processInfo.environment["JACKPOTD_DOCS_RECORD"] != nil, documented != defined {
            var lines = operations.lines
            let firstRow = try #require(documented.first, "\(page)'s metrics table has no rows")
            let first = try #require(lines.firstIndex(of: firstRow))
            lines.replaceSubrange(first..<first + documented.count, with: defined)
            try lines.joined(separator: "\n").write(toFile: DocsText.path(of: page), atomically: true, encoding: .utf8)
            return
        }
        #expect(documented == defined, "\(page)'s metrics table should read:\n\(defined.joined(separator: "\n"))")
        #expect(Set(Self.definitions.map(\.name)).count == Self.definitions.count, "a metric name is defined twice")
    }

    @Test func everyMetricTheAlertsQueryIsDefined() throws {
        let rules = try String(contentsOfFile: DocsText.path(of: "Deploy/prometheus/jackpotd-alerts.yml"), encoding: .utf8)
        var alerted = Set(rules.matches(of: /jackpotd_[a-z_]+/).map { String($0.output) })
        for histogram in Self.definitions where histogram.type == .histogram {
            for suffix in ["_bucket", "_sum", "_count"] where alerted.remove(histogram.name + suffix) != nil {
                alerted.insert(histogram.name)
            }
        }
        try #require(!alerted.isEmpty)
        let defined = Set(Self.definitions.map(\.name))
        #expect(alerted.subtracting(defined).isEmpty, "alerted on but never written: \(alerted.subtracting(defined).sorted())")
    }
}

import Foundation
import Testing
import JackpotIngest
import JackpotTelemetry
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct MetricsTests {
    /// A registry shaped like the daemon's, with values whose sums are exact in binary.
    private func sampleRegistry() -> MetricsRegistry {
        let registry = MetricsRegistry()
        registry.counter(
            DaemonMetrics.attemptsTotal.name, help: "HTTP attempts by outcome.",
            labels: ["outcome": "delivered", "operator": "casino-b"])
        registry.counter(
            DaemonMetrics.attemptsTotal.name, help: "HTTP attempts by outcome.",
            labels: ["operator": "casino-b", "outcome": "delivered"], add: 2)
        registry.counter(
            DaemonMetrics.attemptsTotal.name, help: "HTTP attempts by outcome.",
            labels: ["operator": "casino-a", "outcome": "retry"])
        registry.gauge(
            DaemonMetrics.wins.name, help: "Wins in the outbox by state.",
            labels: ["operator": "casino-a", "state": "pending"], set: 3)
        registry.gauge(
            DaemonMetrics.metricsWrittenTimestampSeconds.name, help: "When this file was written.",
            labels: [:], set: 1_795_261_320.5)
        for value in [0.0625, 0.5, 2] {
            registry.observe(
                DaemonMetrics.attemptDurationSeconds.name, help: "Wall time of one HTTP attempt.",
                labels: ["operator": "casino-a"], value: value, buckets: [1, 0.1])
        }
        return registry
    }

    @Test func rendersExactTextInDeterministicOrder() {
        let expected = """
            # HELP jackpotd_attempt_duration_seconds Wall time of one HTTP attempt.
            # TYPE jackpotd_attempt_duration_seconds histogram
            jackpotd_attempt_duration_seconds_bucket{operator="casino-a",le="0.1"} 1
            jackpotd_attempt_duration_seconds_bucket{operator="casino-a",le="1"} 2
            jackpotd_attempt_duration_seconds_bucket{operator="casino-a",le="+Inf"} 3
            jackpotd_attempt_duration_seconds_sum{operator="casino-a"} 2.5625
            jackpotd_attempt_duration_seconds_count{operator="casino-a"} 3
            # HELP jackpotd_attempts_total HTTP attempts by outcome.
            # TYPE jackpotd_attempts_total counter
            jackpotd_attempts_total{operator="casino-a",outcome="retry"} 1
            jackpotd_attempts_total{operator="casino-b",outcome="delivered"} 3
            # HELP jackpotd_metrics_written_timestamp_seconds When this file was written.
            # TYPE jackpotd_metrics_written_timestamp_seconds gauge
            jackpotd_metrics_written_timestamp_seconds 1795261320.5
            # HELP jackpotd_wins Wins in the outbox by state.
            # TYPE jackpotd_wins gauge
            jackpotd_wins{operator="casino-a",state="pending"} 3

            """
        let registry = sampleRegistry()
        #expect(registry.render() == expected)
        #expect(registry.render() == registry.render())
    }

    @Test func escapesLabelValuesAndHelpText() {
        let registry = MetricsRegistry()
        registry.gauge(
            "jackpotd_test_value", help: "Line one\\two\nthree \"quoted\"",
            labels: ["operator": "a\\b\"c\nd"], set: 0.25)
        #expect(
            registry.render() == """
                # HELP jackpotd_test_value Line one\\\\two\\nthree "quoted"
                # TYPE jackpotd_test_value gauge
                jackpotd_test_value{operator="a\\\\b\\"c\\nd"} 0.25

                """)
    }

    @Test func histogramBucketsAreCumulativeAndIncludeInf() throws {
        let registry = MetricsRegistry()
        for value in [0.001, 0.004, 0.2, 0.2, 31, 100] {
            registry.observe(
                DaemonMetrics.attemptDurationSeconds.name, help: "h", labels: ["operator": "x"],
                value: value, buckets: DaemonMetrics.attemptDurationSeconds.buckets)
        }
        let buckets = registry.render().split(separator: "\n").filter { $0.contains("_bucket{") }
        let counts = try buckets.map { line in
            try #require(line.split(separator: " ").last.flatMap { Int($0) }, "no count in \(line)")
        }
        #expect(buckets.count == DaemonMetrics.attemptDurationSeconds.buckets.count + 1)
        #expect(counts == [2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 6])
        #expect(try #require(buckets.last).contains(#"le="+Inf""#))
        #expect(registry.render().contains("jackpotd_attempt_duration_seconds_count{operator=\"x\"} 6\n"))
    }

    @Test func resetGaugesDropsVanishedLabelSets() {
        let registry = MetricsRegistry()
        registry.gauge(DaemonMetrics.wins.name, help: "w", labels: ["operator": "a", "state": "pending"], set: 5)
        registry.gauge(DaemonMetrics.wins.name, help: "w", labels: ["operator": "b", "state": "pending"], set: 7)
        registry.counter(DaemonMetrics.attemptsTotal.name, help: "c", labels: ["operator": "b", "outcome": "retry"])
        registry.resetGauges(named: DaemonMetrics.wins.name)
        #expect(!registry.render().contains("jackpotd_wins"))
        registry.gauge(DaemonMetrics.wins.name, help: "w", labels: ["operator": "a", "state": "pending"], set: 4)
        registry.resetGauges(named: DaemonMetrics.attemptsTotal.name)  // not a gauge: left alone
        let text = registry.render()
        #expect(text.contains("jackpotd_wins{operator=\"a\",state=\"pending\"} 4\n"))
        #expect(!text.contains("operator=\"b\",state"))
        #expect(registry.value(DaemonMetrics.attemptsTotal.name, labels: ["operator": "b", "outcome": "retry"]) == 1)
    }

    /// A label value no series holds any more is forgotten and its place reused:
    /// the series that still hold others keep exporting their own values.
    @Test func labelValuesOfDroppedSeriesAreReusedWithoutMixingSeries() {
        let registry = MetricsRegistry()
        registry.counter(DaemonMetrics.attemptsTotal.name, help: "c", labels: ["operator": "kept", "outcome": "retry"])
        for name in ["gone-1", "gone-2", "kept"] {
            registry.gauge(DaemonMetrics.wins.name, help: "w", labels: ["operator": name, "state": "pending"], set: 1)
        }
        registry.resetGauges(named: DaemonMetrics.wins.name)
        for name in ["new-1", "new-2"] {
            registry.gauge(DaemonMetrics.wins.name, help: "w", labels: ["operator": name, "state": "failed"], set: 2)
        }
        #expect(
            registry.render() == """
                # HELP jackpotd_attempts_total c
                # TYPE jackpotd_attempts_total counter
                jackpotd_attempts_total{operator="kept",outcome="retry"} 1
                # HELP jackpotd_wins w
                # TYPE jackpotd_wins gauge
                jackpotd_wins{operator="new-1",state="failed"} 2
                jackpotd_wins{operator="new-2",state="failed"} 2

                """)
    }

    @Test func seriesWithOtherLabelNamesThanTheFamilysOrTooManyAreIgnored() {
        let registry = MetricsRegistry()
        registry.gauge("jackpotd_things", help: "t", labels: ["operator": "a"], set: 1)
        registry.gauge("jackpotd_things", help: "t", labels: ["operator": "b", "state": "pending"], set: 2)
        registry.gauge("jackpotd_things", help: "t", labels: [:], set: 3)
        registry.gauge("jackpotd_things", help: "t", labels: ["operator": "c"], set: 4)
        registry.gauge("jackpotd_more", help: "m", labels: ["a": "1", "b": "2", "c": "3"], set: 5)
        let samples = registry.render().split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples == [#"jackpotd_things{operator="a"} 1"#, #"jackpotd_things{operator="c"} 4"#])
    }

    /// The textfile of thousands of operators is written in pieces, which are the whole text in order.
    @Test func renderingInPiecesGivesTheWholeTextInOrder() {
        let registry = MetricsRegistry()
        for index in 0..<3_000 {
            registry.gauge(DaemonMetrics.wins.name, help: "w", labels: ["operator": "op\(index)", "state": "pending"], set: 0)
            registry.observe(
                DaemonMetrics.attemptDurationSeconds.name, help: "d", labels: ["operator": "op\(index)"], value: 0.2,
                buckets: DaemonMetrics.attemptDurationSeconds.buckets)
        }
        var pieces: [String] = []
        registry.render { pieces.append($0) }
        #expect(pieces.count > 1)
        #expect(pieces.joined() == registry.render())
        #expect(pieces.allSatisfy { $0.hasSuffix("\n") })
        #expect(String(decoding: registry.renderUTF8(), as: UTF8.self) == registry.render())
    }

    @Test func conflictingTypesAndNegativeCounterIncrementsAreIgnored() {
        let registry = MetricsRegistry()
        registry.counter("jackpotd_things_total", help: "t", labels: [:], add: 2)
        registry.counter("jackpotd_things_total", help: "t", labels: [:], add: -1)
        registry.gauge("jackpotd_things_total", help: "t", labels: [:], set: 99)
        #expect(registry.value("jackpotd_things_total", labels: [:]) == 2)
        #expect(registry.render().contains("# TYPE jackpotd_things_total counter\n"))
    }

    @Test func renderedRegistryPassesPromtool() throws {
        let directory = TemporaryDirectory()
        let registry = sampleRegistry()
        for name in ["casino-a", "casino \"b\"\n"] {
            registry.gauge(
                DaemonMetrics.circuitOpen.name, help: "1 while the circuit is open.", labels: ["operator": name], set: 0)
            registry.gauge(DaemonMetrics.operatorPaused.name, help: "1 while paused.", labels: ["operator": name], set: 1)
            registry.gauge(
                DaemonMetrics.oldestPendingAgeSeconds.name, help: "Oldest pending win.", labels: ["operator": name], set: 12.5)
        }
        let file = directory.path + "/jackpotd.prom"
        try AtomicFile.write(registry.render(), to: file)

        let check = try #require(
            try promtoolCheckMetrics(file), "promtool is not installed (.ci/install-deps installs Debian's prometheus)")
        #expect(check.status == 0, "promtool: \(check.output)")
        #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(check.output)")
    }

    /// Each definition is all the exported text says about its family: HELP,
    /// TYPE, label names and buckets; and the whole set passes promtool.
    @Test func everyDefinedMetricIsExportedAsDefined() throws {
        #expect(
            (DaemonMetrics.all + IngestMetrics.all).allSatisfy { $0.labels.count <= MetricsRegistry.maximumLabels },
            "a series key holds \(MetricsRegistry.maximumLabels) labels")
        let registry = MetricsRegistry()
        let definitions = DaemonMetrics.all + IngestMetrics.all
        for metric in definitions {
            let labels = Dictionary(uniqueKeysWithValues: metric.labels.map { ($0, "x") })
            switch metric.type {
            case .counter: registry.counter(metric, labels: labels)
            case .gauge: registry.gauge(metric, labels: labels, set: 1)
            case .histogram: registry.observe(metric, labels: labels, values: [0.2])
            }
        }
        let text = registry.render()
        for metric in definitions {
            #expect(
                text.contains("# HELP \(metric.name) \(metric.help)\n# TYPE \(metric.name) \(metric.type.rawValue)\n"),
                "\(metric.name)")
            let series = metric.type == .histogram ? metric.name + "_count" : metric.name
            let labelText =
                metric.labels.isEmpty ? "" : "{" + metric.labels.sorted().map { "\($0)=\"x\"" }.joined(separator: ",") + "}"
            #expect(text.contains("\n\(series)\(labelText) 1\n"), "\(metric.name) in:\n\(text)")
            if metric.type == .histogram {
                let buckets = text.split(separator: "\n").filter { $0.hasPrefix(metric.name + "_bucket{") }
                #expect(buckets.count == metric.buckets.count + 1, "\(metric.name): \(buckets)")
            }
        }
        let directory = TemporaryDirectory()
        let file = directory.path + "/jackpotd.prom"
        try AtomicFile.write(text, to: file)
        let check = try #require(
            try promtoolCheckMetrics(file), "promtool is not installed (.ci/install-deps installs Debian's prometheus)")
        #expect(check.status == 0, "promtool: \(check.output)")
        #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(check.output)")
    }

    @Test func atomicFileWritesReplacesAndLeavesNoTemporaryFiles() throws {
        let directory = TemporaryDirectory()
        let file = directory.path + "/metrics.prom"
        try AtomicFile.write("first\n", to: file)
        try AtomicFile.write("second\n", to: file)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["metrics.prom"])
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test func atomicFileErrorNamesThePath() throws {
        let directory = TemporaryDirectory()
        let file = directory.path + "/missing/metrics.prom"
        do {
            try AtomicFile.write("x", to: file)
            Issue.record("write into a missing directory succeeded")
        } catch {
            #expect(error.path == file)
            #expect(error.description.contains(file))
            #expect(error.errno == ENOENT)
        }
    }
}

import Foundation
import Testing
import JackpotDelivery
import JackpotIngest
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
import TestSupport

/// Deploy/grafana/jackpotd-dashboard.json against what the daemon really
/// writes: the metric names come from a real dispatcher's metrics file and a
/// real `jackpotd run`'s ingest `/metrics` page, not from a list kept beside
/// the dashboard, so a renamed metric breaks this test instead of a panel
/// going blank in production.
@Suite(.timeLimit(.minutes(3)), .oneTestPerCore) struct DashboardTests {
    static let path = "Deploy/grafana/jackpotd-dashboard.json"

    @Test func everyQueryNamesOnlyMetricsTheDaemonWrites() async throws {
        let written = try await Self.metricNamesTheDaemonWrites().union(try await Self.metricNamesTheIngestListenerServes())
        let queries = try Self.queries()
        try #require(!queries.isEmpty, "no queries found in \(Self.path)")
        for query in queries {
            let names = PromQLNames.metrics(in: query)
            #expect(!names.isEmpty, "\(query) names no metric")
            for name in names {
                #expect(written.contains(name), "\(query) names \(name), which jackpotd does not write")
            }
        }
        // The pictures ops look for first are there.
        let all = queries.joined(separator: "\n")
        for wanted in [
            "jackpotd_oldest_pending_age_seconds", "jackpotd_circuit_open", "jackpotd_operator_consecutive_refusals",
            "jackpotd_attempt_duration_seconds_bucket", #"state="failed""#, #"outcome="delivered""#,
            "jackpotd_ingest_requests_total", "jackpotd_ingest_wins_total", "jackpotd_ingest_commits_total",
            "jackpotd_ingest_writer_busy_seconds_total",
        ] {
            #expect(all.contains(wanted), "the dashboard has no query on \(wanted)")
        }
    }

    /// Each query parses as PromQL: promtool checks them as recording rules
    /// (Grafana's `$__rate_interval` replaced by a duration).
    @Test func everyQueryIsValidPromQL() throws {
        let promtool = try ExternalProgram.require("promtool", package: "prometheus")
        let directory = TemporaryDirectory()
        var rules = "groups:\n  - name: dashboard\n    rules:\n"
        for (index, query) in try Self.queries().enumerated() {
            let expression = query.replacingOccurrences(of: "$__rate_interval", with: "5m")
            rules += "      - record: dashboard:query_\(index)\n        expr: \(JSONWriter.quoted(expression))\n"
        }
        let file = directory.write("dashboard-rules.yml", rules)
        let check = try ExternalProgram.run(promtool, ["check", "rules", file])
        #expect(check.status == 0, "promtool check rules:\n\(check.output)\n\(rules)")
    }

    @Test func promQLNamesAreTheMetricsNotTheFunctionsLabelsOrKeywords() {
        let query =
            #"histogram_quantile(0.95, sum by (operator, le) (rate(jackpotd_attempt_duration_seconds_bucket{operator=~"$operator"}[$__rate_interval]))) > 0 and on (operator) up"#
        #expect(PromQLNames.metrics(in: query) == ["jackpotd_attempt_duration_seconds_bucket", "up"])
        #expect(
            PromQLNames.metrics(in: "time() - max(jackpotd_metrics_written_timestamp_seconds)") == [
                "jackpotd_metrics_written_timestamp_seconds"
            ])
    }

    /// Every `expr` of the panels, and the metric selector of each variable's `label_values(…)`.
    static func queries() throws -> [String] {
        let dashboard = try JSONValue.parse(String(contentsOfFile: DocsText.path(of: path), encoding: .utf8))
        var queries: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let object):
                for member in object.members {
                    if member.key == "expr", let expr = member.value.stringValue { queries.append(expr) }
                    if member.key == "definition", let definition = member.value.stringValue,
                        let match = definition.wholeMatch(of: /label_values\((.+), *\w+\)/)
                    {
                        queries.append(String(match.1))
                    }
                    walk(member.value)
                }
            case .array(let values): values.forEach(walk)
            default: break
            }
        }
        walk(dashboard)
        return queries
    }

    /// The metric names in the file a real dispatcher writes after delivering a
    /// win to a loopback operator while another win waits for an operator
    /// removed from the config; a histogram's series are `_bucket`, `_sum` and `_count`.
    static func metricNamesTheDaemonWrites() async throws -> Set<String> {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "dashboard-secret")
        defer { wallet.stop() }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: "dashboard-secret", extra: fastDelivery())
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        try probe.enqueue(["dashboard-1"], operator: "casino-a")
        // Validated while "retired" was configured, which has since been removed: the win waits.
        try Outbox(path: directory.path("outbox.sqlite3")).database.execute(
            """
            INSERT INTO wins (reference, operator, user_id, game_id, round_id, amount, jackpot_id, validated)
            VALUES ('dashboard-2', 'retired', '421', 'g', 'r', '55', 'j', 1)
            """)
        let file = directory.path("jackpotd.prom")
        var settings = Dispatcher.Settings()
        settings.metricsFile = file
        settings.metricsIntervalMilliseconds = 100
        let daemon = try RunningDispatcher(configPath: config, settings: settings)
        let written = await eventually {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return text.contains("jackpotd_attempts_total{operator=\"casino-a\",outcome=\"delivered\"} 1\n")
                && text.contains("jackpotd_unconfigured_operator_pending_wins{operator=\"retired\"} 1\n")
        }
        try await daemon.stop()
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        try #require(written, "the metrics file never showed the delivery and the unconfigured operator's win:\n\(text)")
        return names(in: text)
    }

    /// The metric names on the `/metrics` page of a real `jackpotd run` with an
    /// ingest listener, once a win was posted and stored and the page read once
    /// (so the requests counter has a series). Every name in
    /// `IngestMetrics` (Sources/JackpotIngest/IngestMetrics.swift) must be among them: a family
    /// this scenario fails to produce would otherwise pass as "not written".
    static func metricNamesTheIngestListenerServes() async throws -> Set<String> {
        let daemon = try await IngestDaemon()  // killed on deinit if a `#require` below throws
        let posted = try #require(
            await postWin(port: daemon.port, token: daemon.platformToken, winLine("dashboard-http-1", operator: "casino-a")))
        try #require(posted.status == 201, "posting a win: \(posted.status) \(posted.text)")
        _ = await httpRequest(port: daemon.port, "GET", "/metrics")
        let page = try #require(await httpRequest(port: daemon.port, "GET", "/metrics"), "GET /metrics got no answer")
        await daemon.stop()
        let names = names(in: page.text)
        let declared = Set(IngestMetrics.all.map(\.name))
        try #require(!declared.isEmpty, "IngestMetrics declares no metric")
        #expect(
            declared.subtracting(names).isEmpty,
            "declared but not on /metrics: \(declared.subtracting(names).sorted())\n\(page.text)")
        return names
    }

    /// The names of the `# TYPE` lines of a Prometheus text exposition; a histogram's
    /// series are `_bucket`, `_sum` and `_count`.
    static func names(in text: String) -> Set<String> {
        var names: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            guard parts.count == 4 else { continue }
            let name = String(parts[2])
            if parts[3] == "histogram" {
                names.formUnion([name + "_bucket", name + "_sum", name + "_count"])
            } else {
                names.insert(name)
            }
        }
        return names
    }
}

/// The metric names a PromQL expression reads: identifiers left once strings,
/// label matchers, range selectors, grouping clauses, function calls, keywords
/// and numbers are taken away.
enum PromQLNames {
    static let keywords: Set<String> = [
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan",
    ]

    static func metrics(in expression: String) -> Set<String> {
        var text = expression
        for pattern in [
            #""(?:[^"\\]|\\.)*""#, #"\{[^}]*\}"#, #"\[[^\]]*\]"#,
            #"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"#,
        ] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        var names: Set<String> = []
        for match in text.matches(of: /[A-Za-z_:][A-Za-z0-9_:]*(?!\s*\()/) {
            let name = String(match.output)
            // A name cut short by the lookahead (`rat` of `rate(`) is followed by more name characters.
            let end = match.range.upperBound
            if end < text.endIndex, text[end].isLetter || text[end].isNumber || text[end] == "_" || text[end] == ":" { continue }
            if !keywords.contains(name.lowercased()) { names.insert(name) }
        }
        return names
    }
}

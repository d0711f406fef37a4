import Foundation
import JackpotWire

/// Renders the figures as a table for people or as one JSON object for scripts.
enum BenchReport {
    static func table(_ figures: [Figure], machine: Machine, options: BenchOptions, elapsed: Duration) -> String {
        let header = ["figure", "value", "baseline (same run)", "ratio", "target", ""]
        let rows = figures.map { figure in
            [
                figure.name,
                format(figure.value) + " " + figure.unit,
                figure.baseline.map { "\(format($0)) \(figure.unit)  \(figure.baselineName ?? "")" } ?? "",
                figure.ratio.map { fixed($0) } ?? "",
                figure.target ?? "",
                figure.met.map { $0 ? "ok" : "MISSED" } ?? "",
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        var text = "jackpotd-bench\(options.quick ? " --quick" : ""): \(machine.processors) CPUs (\(machine.cpuModel)), "
        text += "SQLite \(machine.sqliteVersion), load at start \(machine.loadAverage), took \(format(elapsed.seconds)) s\n\n"
        text += line(header) + "\n"
        text += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { text += line(row) + "\n" }
        let missed = figures.filter { $0.met == false }.count
        text += "\n" + (missed == 0 ? "all targets met" : "\(missed) target(s) missed") + "\n"
        return text
    }

    static func json(_ figures: [Figure], machine: Machine, options: BenchOptions, elapsed: Duration) -> String {
        func number(_ value: Double) -> JSONValue { .number(fixed(value, digits: 4)) }
        let items: [JSONValue] = figures.map { figure in
            var members: [(String, JSONValue)] = [
                ("name", .string(figure.name.trimmingLeadingSpaces())),
                ("value", number(figure.value)), ("unit", .string(figure.unit)),
            ]
            if let baseline = figure.baseline {
                members.append(
                    (
                        "baseline",
                        .object(
                            JSONObject([
                                ("name", .string(figure.baselineName ?? "")), ("value", number(baseline)),
                            ]))
                    ))
            }
            if let ratio = figure.ratio { members.append(("ratio", number(ratio))) }
            if let target = figure.target { members.append(("target", .string(target))) }
            if let met = figure.met { members.append(("met", .bool(met))) }
            return .object(JSONObject(members))
        }
        let object = JSONObject([
            ("quick", .bool(options.quick)),
            (
                "machine",
                .object(
                    JSONObject([
                        ("processors", .number(String(machine.processors))), ("cpuModel", .string(machine.cpuModel)),
                        ("loadAverageAtStart", .string(machine.loadAverage)), ("sqliteVersion", .string(machine.sqliteVersion)),
                    ]))
            ),
            ("elapsedSeconds", number(elapsed.seconds)),
            ("figures", .array(items)),
            ("allTargetsMet", .bool(!figures.contains { $0.met == false })),
        ])
        return JSONWriter.serialize(.object(object))
    }

    /// Three significant-ish digits: 0.123, 12.3, 1234.
    static func format(_ value: Double) -> String {
        if value >= 100 { return String(Int64(value.rounded())) }
        return fixed(value, digits: value >= 10 ? 1 : value >= 1 ? 2 : 3)
    }
}

/// Fixed-point text without Foundation's locale-aware formatting.
func fixed(_ value: Double, digits: Int = 2) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    var scale: Int64 = 1
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int64((abs(value) * Double(scale)).rounded())
    var fraction = String(scaled % scale)
    fraction = String(repeating: "0", count: max(0, digits - fraction.count)) + fraction
    return (value < 0 && scaled != 0 ? "-" : "") + String(scaled / scale) + (digits > 0 ? "." + fraction : "")
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }

    func trimmingLeadingSpaces() -> String { String(drop { $0 == " " }) }
}

import Foundation
import JackpotStore
import JackpotWire

/// Writes reconcile's findings as they are found, so a million differing rows
/// stream out instead of piling up: human lines, or one JSON document whose
/// `rows` array is written element by element and whose `summary` comes last.
struct ReconcileOutput {
    let output: TextOutput
    let json: Bool
    private var rowsWritten = 0

    init(output: TextOutput, json: Bool, header: JSONObject, title: String) {
        self.output = output
        self.json = json
        if json {
            var opening = JSONWriter.serialize(.object(header))
            opening.removeLast()
            output.write(opening + (header.count == 0 ? "" : ",") + "\"rows\":[")
        } else {
            output.line(title)
        }
    }

    /// A row that differs, with what `--apply` did about it (nil: nothing tried).
    mutating func finding(_ finding: ReconcileFinding, settlement: String?, settled: Bool) {
        if json {
            var object = JSONObject([
                "category": .string(finding.category.rawValue), "reference": .string(finding.reference),
                "line": finding.line.map { .number(String($0)) } ?? .null,
                "state": WinPresentation.jsonText(finding.win?.state.rawValue),
                "operator": WinPresentation.jsonText(finding.win?.operatorName),
                "amount": finding.win.map { WinPresentation.jsonAmount($0.amount) } ?? .null,
                "transactionId": WinPresentation.jsonText(finding.win?.transactionId),
                "reportAmount": finding.row?.amount.map { .number($0.canonical) } ?? .null,
                "reportTransactionId": WinPresentation.jsonText(finding.row?.transactionId),
                "detail": .string(finding.detail),
            ])
            if let settlement { object[settled ? "settled" : "notSettled"] = .string(settlement) }
            element(object)
        } else {
            if rowsWritten == 0 { output.line("\nDifferences:") }
            rowsWritten += 1
            let label = finding.category.label.padding(toLength: 29, withPad: " ", startingAt: 0)
            let line = finding.line.map { "line \($0): " } ?? ""
            output.line("  \(label)\(finding.reference)  \(line)\(finding.detail)")
            if let settlement { output.line("    → " + (settled ? "settled: " : "not settled: ") + settlement) }
        }
    }

    mutating func bad(line: Int, reason: String) {
        if json {
            element(
                JSONObject([
                    "category": .string("badRow"), "line": .number(String(line)), "detail": .string(reason),
                ]))
        } else {
            if rowsWritten == 0 { output.line("\nDifferences:") }
            rowsWritten += 1
            output.line("  " + "bad row".padding(toLength: 29, withPad: " ", startingAt: 0) + "line \(line): \(reason)")
        }
    }

    private mutating func element(_ object: JSONObject) {
        output.write((rowsWritten == 0 ? "" : ",") + JSONWriter.serialize(.object(object)))
        rowsWritten += 1
    }

    func finish(_ tally: ReconcileTally, apply: Bool, hint: String?) {
        if json {
            output.line("],\"summary\":" + JSONWriter.serialize(.object(tally.json)) + "}")
            return
        }
        var table = TextTable(["", "wins"])
        for category in ReconcileCategory.allCases { table.add([category.label, String(tally.count(category))]) }
        table.add(["bad rows", String(tally.badRows)])
        table.add(["outside the window", String(tally.outsideWindow)])
        output.line("\nSummary (\(tally.reportRows) report row\(tally.reportRows == 1 ? "" : "s")):")
        output.write(table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n")
        if apply {
            output.line(
                "\nSettled \(tally.settled) win\(tally.settled == 1 ? "" : "s") as delivered"
                    + (tally.notSettled > 0 ? "; \(tally.notSettled) not settled (see above)" : "") + ".")
        } else if let hint {
            output.line("\n" + hint)
        }
    }
}

/// Counts per category, and what --apply did.
struct ReconcileTally: Sendable {
    private var counts: [ReconcileCategory: Int] = [:]
    var badRows = 0
    var outsideWindow = 0
    var reportRows = 0
    var settled = 0
    var notSettled = 0

    mutating func add(_ category: ReconcileCategory) { counts[category, default: 0] += 1 }
    func count(_ category: ReconcileCategory) -> Int { counts[category] ?? 0 }

    /// Everything agrees: no category but `matched`, and no bad row.
    var allMatch: Bool {
        badRows == 0 && ReconcileCategory.allCases.allSatisfy { $0 == .matched || count($0) == 0 }
    }

    var json: JSONObject {
        var object = JSONObject()
        for category in ReconcileCategory.allCases { object[category.rawValue] = .number(String(count(category))) }
        object["badRows"] = .number(String(badRows))
        object["outsideWindow"] = .number(String(outsideWindow))
        object["reportRows"] = .number(String(reportRows))
        object["settled"] = .number(String(settled))
        object["notSettled"] = .number(String(notSettled))
        return object
    }
}

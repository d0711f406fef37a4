import Foundation
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire

struct ReconcileCommand: Command {
    static let name = "reconcile"
    static let summary = "Compare an operator's report of credited wins with the outbox"
    static let synopsis =
        "reconcile OPERATOR --file REPORT [--format csv|jsonl] [--from T --to T] [--columns MAP] [--apply] [--json]"
    static let discussion = """
        The report lists the wins the operator credited, one a row: CSV with a
        header row (RFC 4180 quoting; a leading byte order mark, as Excel writes
        it, is skipped), or JSON Lines. It needs reference and transactionId;
        amount, currency and creditedAt are compared when given. Columns named
        differently are mapped with --columns OURS=THEIRS.

        Each reference is one of: matched (delivered here, same transactionId and
        amount); missing at operator (delivered here, not in the report); credited,
        not delivered here (pending, sending, failed or cancelled here); unknown
        here (no such win, or another operator's); mismatch (amount or
        transactionId differ; amounts compare as exact decimals, 55 = 55.00).
        A purged win is known by its tombstone: matched on its transactionId (the
        amount is no longer kept), shown as "purged on DATE (delivered DATE,
        transactionId …)". A row that cannot be read is a bad row, named by its
        line and never guessed.

        --from/--to limit the comparison to wins enqueued (or, when the report
        gives creditedAt, credited) in [FROM, TO): ISO 8601 or epoch milliseconds.

        --apply settles the wins credited, not delivered here: they become
        delivered with the report's transactionId, the attempt log records the
        settlement and the report, and they are never sent again. A win a running
        daemon is sending right now is left alone (run reconcile again later).
        Nothing else changes.

        Example, after an outage, before any retry:
          jackpotd reconcile casino-a --file casino-a-2026-12-01.csv \\
              --columns reference=ref,transactionId=txid --from 2026-12-01 --to 2026-12-02
          jackpotd reconcile casino-a --file casino-a-2026-12-01.csv \\
              --columns reference=ref,transactionId=txid --from 2026-12-01 --to 2026-12-02 --apply

        Exit status: 0 everything matches, 1 any difference or bad row, 2 usage errors.
        """
    static let options: [OptionSpec] = [
        .value("--file", "REPORT", help: "the operator's report (CSV with a header, or JSON Lines)"),
        .value("--format", "FORMAT", help: "csv or jsonl (default: jsonl for .jsonl/.ndjson files, else csv)"),
        .value("--from", "T", help: "only wins enqueued (or credited) at or after T"),
        .value("--to", "T", help: "only wins enqueued (or credited) before T"),
        .value("--columns", "MAP", help: "report column names, e.g. reference=ref,transactionId=txid"),
        .flag("--apply", help: "settle the wins credited, not delivered here"),
        .flag("--json", help: "print one JSON object: \"rows\" that differ, then \"summary\""),
    ]

    /// Report rows looked up per query.
    static let batchSize = 1000

    let operatorName: String
    let file: String
    let format: ReportReader.Format
    let from: Int64
    let to: Int64
    let columns: ReportColumns
    let apply: Bool
    let json: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(1...1, what: "OPERATOR")
        operatorName = arguments.positionals[0]
        guard let file = arguments.value("--file") else { throw UsageError("missing --file REPORT") }
        self.file = file
        if let name = arguments.value("--format") {
            guard let format = ReportReader.Format(rawValue: name) else {
                throw UsageError("--format must be csv or jsonl, got \"\(name)\"")
            }
            self.format = format
        } else {
            format = file.hasSuffix(".jsonl") || file.hasSuffix(".ndjson") ? .jsonl : .csv
        }
        func time(_ option: String) throws(UsageError) -> Int64? {
            guard let text = arguments.value(option) else { return nil }
            guard let time = ReportTime.parse(text) else {
                throw UsageError("\(option) must be \(ReportTime.accepted), got \"\(text)\"")
            }
            return time
        }
        from = try time("--from") ?? 0
        to = try time("--to") ?? Int64.max
        if from >= to { throw UsageError("--from must be before --to") }
        columns =
            try arguments.value("--columns").map { (text) throws(UsageError) in try ReportColumns(mapping: text) }
            ?? ReportColumns()
        apply = arguments.flag("--apply")
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outbox = try context.openOutbox()
        let configured = try context.loadConfigIfNamed()?.config.operators.keys.sorted() ?? []
        let known = Set(configured).union(try outbox.statusSnapshot(now: WallClock.nowMilliseconds()).operatorNames)
        guard known.contains(operatorName) else {
            throw UsageError("unknown operator \"\(operatorName)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw UsageError("cannot open --file \(file): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var reader = try ReportReader(descriptor: descriptor, format: format, columns: columns)

        try outbox.beginReconciliation()
        var tally = ReconcileTally()
        var out = ReconcileOutput(
            output: context.output, json: json,
            header: JSONObject([
                "operator": .string(operatorName), "report": .string(file),
                "from": from == 0 ? .null : WinPresentation.jsonTime(from),
                "to": to == Int64.max ? .null : WinPresentation.jsonTime(to), "apply": .bool(apply),
            ]),
            title: "Reconciling \(operatorName) with \(file)" + windowText + (apply ? ", settling what it confirms" : ""))
        let ownerIsDead: (String) -> Bool = { LeaseOwner.current().knowsDead($0) }

        // Bad rows wait in the batch too, so the output follows the report's order.
        var batch: [ReportReader.Entry] = []
        func compare() throws {
            let rows = batch.indices.compactMap { index -> (Int, ReportRow)? in
                if case .row(let row) = batch[index] { (index, row) } else { nil }
            }
            for ((index, row), first) in zip(rows, try outbox.markReported(rows.map { ($0.1.reference, $0.1.line) })) {
                if let first {
                    tally.badRows += 1
                    batch[index] = .bad(line: row.line, reason: "\(row.reference) is listed again (first on line \(first))")
                }
            }
            let wins = try outbox.wins(references: batch.compactMap { if case .row(let row) = $0 { row.reference } else { nil } })
            for entry in batch {
                guard case .row(let row) = entry else {
                    if case .bad(let line, let reason) = entry { out.bad(line: line, reason: reason) }
                    continue
                }
                let win = wins[row.reference]
                let tombstone = win == nil ? try outbox.tombstone(reference: row.reference) : nil
                if let time = row.creditedAt ?? win?.createdAt ?? tombstone?.deliveredAt, time < from || time >= to {
                    tally.outsideWindow += 1
                    continue
                }
                let finding = ReconcileFinding.compare(row, with: win, tombstone: tombstone, operator: operatorName)
                tally.add(finding.category)
                guard finding.category != .matched else { continue }
                var settlement: String?
                var settled = false
                if apply, finding.category == .creditedNotDeliveredHere, let win {
                    (settlement, settled) = try settle(win, row: row, outbox: outbox, ownerIsDead: ownerIsDead)
                    if settled { tally.settled += 1 } else { tally.notSettled += 1 }
                }
                out.finding(finding, settlement: settlement, settled: settled)
            }
            batch.removeAll(keepingCapacity: true)
        }

        while let entry = reader.next() {
            switch entry {
            case .bad:
                tally.badRows += 1
                batch.append(entry)
            case .row:
                tally.reportRows += 1
                batch.append(entry)
            }
            if batch.count == Self.batchSize { try compare() }
        }
        try compare()
        if let error = reader.readError {
            throw CommandFailure("reading \(file) failed: \(String(cString: strerror(error)))")
        }
        try outbox.forEachUnreportedDelivery(operator: operatorName, enqueuedFrom: from, to: to) { win in
            tally.add(.missingAtOperator)
            out.finding(.missing(win), settlement: nil, settled: false)
        }
        let credited = tally.count(.creditedNotDeliveredHere)
        out.finish(
            tally, apply: apply,
            hint: credited == 0
                ? nil
                : "Rerun with --apply to settle the \(credited) win\(credited == 1 ? "" : "s") credited, not delivered here, before any retry."
        )
        return tally.allMatch ? .success : .failure
    }

    private var windowText: String {
        guard from != 0 || to != Int64.max else { return "" }
        return
            " (enqueued or credited from \(from == 0 ? "the start" : TimeFormat.timestamp(from)) to \(to == Int64.max ? "now" : TimeFormat.timestamp(to)))"
    }

    /// Settles one win the report confirms; returns what to print and whether it was settled.
    private func settle(
        _ win: StoredWin, row: ReportRow, outbox: Outbox, ownerIsDead: (String) -> Bool
    ) throws -> (String, Bool) {
        let detail =
            "\(Outbox.settlementDetailPrefix): \(file) line \(row.line) lists it credited, transactionId \(row.transactionId) (was \(win.state.rawValue))"
        switch try outbox.settleByReconciliation(
            win, transactionId: row.transactionId, detail: detail, now: WallClock.nowMilliseconds(), ownerIsDead: ownerIsDead)
        {
        case nil:
            return ("\(win.state.rawValue) → delivered, transactionId \(row.transactionId)", true)
        case .leased(let owner, let until)?:
            return (
                "being sent by daemon \(owner) (lease until \(TimeFormat.timestamp(until))); run reconcile again once it is done",
                false
            )
        case .changed(let state)?:
            return ("it changed while reconciling (now \(state.rawValue)); run reconcile again", false)
        }
    }
}

import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

struct ExportCommand: Command {
    static let name = "export"
    static let summary = "Stream wins as CSV or JSON Lines for reconciliation with operators"
    static let synopsis = "export [--state S] [--operator O] [--since WHEN] [--until WHEN] [--format csv|jsonl] [--json]"
    static let discussion = """
        One record per line, oldest first, streamed (any outbox size). CSV has a
        header row. Amounts, cash, bonus and transaction ids are exact text, never
        rounded. Times are ISO 8601 UTC. WHEN is a duration back from now (24h, 7d)
        or a UTC date or time (2026-11-01, 2026-11-01T14:30Z); --since includes it,
        --until excludes it, so --since 2026-11-01 --until 2026-12-01 is November.

        --json (the same as --format jsonl) prints JSON Lines, one object a line, with
        the attempt count as "attemptCount" like `list --json`; the CSV column is
        "attempts". An unknown --operator is exit 1.

        Example: jackpotd export --state delivered --since 1d --format csv > wins.csv
        """
    static let options: [OptionSpec] = [
        .value("--state", "S", help: "only wins in this state"),
        .value("--operator", "O", help: "only this operator's wins"),
        .value("--since", "WHEN", help: "only wins enqueued since WHEN (24h, 7d, 2026-11-01)"),
        .value("--until", "WHEN", help: "only wins enqueued before WHEN (same forms)"),
        .value("--format", "FORMAT", help: "csv (default) or jsonl"),
        .flag("--json", help: "JSON Lines: the same as --format jsonl"),
    ]

    enum Format: String { case csv, jsonl }

    static let columns = [
        "reference", "operator", "userId", "gameId", "roundId", "jackpotId", "amount", "state", "attempts",
        "transactionId", "currency", "cash", "bonus", "createdAt", "deliveredAt", "lastError", "deliveryNote",
        "finalizedAt", "otherTransactionIds",
    ]

    let filter: WinFilter
    let format: Format

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        filter = try WinFilter(arguments)
        let formatName = arguments.value("--format") ?? (arguments.flag("--json") ? "jsonl" : "csv")
        if arguments.flag("--json"), formatName != "jsonl" { throw UsageError("--json is --format jsonl; give one of them") }
        guard let format = Format(rawValue: formatName) else {
            throw UsageError("--format must be csv or jsonl, got \"\(formatName)\"")
        }
        self.format = format
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let config = try context.loadConfigIfNamed()?.config
        let outbox = try CommandContext.openExistingOutbox(at: context.databasePath(config: config))
        try KnownOperators.require(filter.operatorName, among: KnownOperators.all(outbox: outbox, config: config))
        if format == .csv { context.output.line(Self.columns.joined(separator: ",")) }
        try outbox.forEachWin(filter) { win in
            // Only delivered wins can have been settled by `reconcile --apply`.
            let settlement = win.state == .delivered ? try outbox.settlement(winId: win.id) : nil
            switch format {
            case .jsonl:
                var object = WinPresentation.summaryJSON(win)
                object["deliveryNote"] = WinPresentation.jsonText(WinPresentation.deliveryNote(win, settlement: settlement))
                object["nextAttemptAt"] = nil
                object["currency"] = WinPresentation.jsonText(win.currency)
                object["cash"] = WinPresentation.jsonText(win.cash)
                object["bonus"] = WinPresentation.jsonText(win.bonus)
                context.output.line(JSONWriter.serialize(.object(object)))
            case .csv:
                let fields: [String?] = [
                    win.reference, win.operatorName, win.userId, win.gameId, win.roundId, win.jackpotId, win.amount,
                    win.state.rawValue, String(win.attempts), win.transactionId, win.currency, win.cash, win.bonus,
                    TimeFormat.iso8601(win.createdAt), TimeFormat.iso8601(win.deliveredAt), win.lastError,
                    WinPresentation.deliveryNote(win, settlement: settlement), TimeFormat.iso8601(win.finalizedAt),
                    win.otherTransactionIds,
                ]
                context.output.line(fields.map { Self.csvField($0 ?? "") }.joined(separator: ","))
            }
        }
        return .success
    }

    /// RFC 4180: quote a field holding a comma, quote or line break; double its quotes.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

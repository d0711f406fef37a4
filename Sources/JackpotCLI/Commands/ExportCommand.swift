import Foundation
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator

struct ExportCommand: Command {
    static let name = "export"
    static let summary = "Stream wins as CSV or JSON Lines for reconciliation with operators"
    static let synopsis = "export [--state S] [--operator O] [--since DURATION] [--format csv|jsonl]"
    static let discussion = """
        One record per line, oldest first, streamed (any outbox size). CSV has a
        header row. Amounts, cash, bonus and transaction ids are exact text, never
        rounded. Times are ISO 8601 UTC.

        Example: jackpotd export --state delivered --since 1d --format csv > wins.csv
        """
    static let options: [OptionSpec] = [
        .value("--state", "S", help: "only wins in this state"),
        .value("--operator", "O", help: "only this operator's wins"),
        .value("--since", "DURATION", help: "only wins enqueued within DURATION (e.g. 24h, 7d)"),
        .value("--format", "FORMAT", help: "csv (default) or jsonl"),
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
        let formatName = arguments.value("--format") ?? "csv"
        guard let format = Format(rawValue: formatName) else {
            throw UsageError("--format must be csv or jsonl, got \"\(formatName)\"")
        }
        self.format = format
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outbox = try context.openOutbox()
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

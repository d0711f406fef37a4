import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
struct ListCommand: Command {
    static let name = "list"
    static let summary = "Wins, newest first, filtered by state, operator, player or age"
    static let synopsis = "list [--state S] [--operator O] [--user U] [--since DURATION] [--limit N] [--json]"
    static let discussion = """
        States: pending, sending, delivered, failed, cancelled. DURATION is like 90s,
        15m, 2h or 3d (wins enqueued within that time). Default limit 50.

        Example: jackpotd list --state failed --operator casino-a
        """
    static let options: [OptionSpec] = [
        .value("--state", "S", help: "only wins in this state"),
        .value("--operator", "O", help: "only this operator's wins"),
        .value("--user", "U", help: "only this player's (userId) wins"),
        .value("--since", "DURATION", help: "only wins enqueued within DURATION (e.g. 2h)"),
        .value("--limit", "N", help: "at most N wins (default 50)"),
        .flag("--json", help: "one JSON object per line"),
    ]

    let filter: WinFilter
    let json: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        var filter = try WinFilter(arguments)
        filter.limit = try arguments.int("--limit", range: 1...1_000_000) ?? 50
        self.filter = filter
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outbox = try context.openOutbox()
        let now = WallClock.nowMilliseconds()
        let wins = try outbox.wins(filter)
        if json {
            for win in wins { context.output.line(JSONWriter.serialize(.object(WinPresentation.summaryJSON(win)))) }
            return .success
        }
        guard !wins.isEmpty else {
            context.errors.line("no wins match")
            return .success
        }
        let header = ["reference", "operator", "amount", "state", "tries", "age"]
        var rows: [(cells: [String], note: String)] = []
        for win in wins {
            let note: String
            switch win.state {
            case .delivered where win.alreadyCreditedCode != nil:
                // Short: the note column is what 80 columns leave; `list --json` has the whole deliveryNote.
                note = "already credited (error \(win.alreadyCreditedCode!))"
                    + ((win.transactionId ?? "").isEmpty ? "" : ", tx \(win.transactionId!)")
            case .delivered: note = "tx " + (win.transactionId ?? "")
            case .pending where win.nextAttemptAt > now: note = "retry in \(TimeFormat.age(win.nextAttemptAt - now))"
            case .cancelled: note = win.cancelReason ?? ""
            default: note = win.lastError ?? ""
            }
            rows.append(([
                Self.clip(win.reference, 24), Self.clip(win.operatorName, 12), win.amount, win.state.rawValue,
                String(win.attempts), TimeFormat.age(now - win.createdAt),
            ], note))
        }
        // The note gets what the other columns leave of 80 (each column is followed by a two-space gutter).
        let used = header.indices.map { column in rows.map { $0.cells[column].count }.reduce(header[column].count, max) + 2 }
        let noteWidth = max(12, Self.width - used.reduce(0, +))
        var table = TextTable(header + ["note"])
        for row in rows { table.add(row.cells + [Self.clip(row.note, noteWidth)]) }
        context.output.write(table.render())
        return .success
    }

    /// The terminal width the table is made for.
    static let width = 80

    /// Keeps rows within 80 columns; `show` prints the whole value.
    static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}

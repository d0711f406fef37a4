import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire
struct ListCommand: Command {
    static let name = "list"
    static let summary = "Wins, newest first, filtered by state, operator, player or age"
    static let synopsis = "list [--state S] [--operator O] [--user U] [--since WHEN] [--until WHEN] [--limit N] [--wide] [--json]"
    static let discussion = """
        States: pending, sending, delivered, failed, cancelled. WHEN is a duration back
        from now (90s, 15m, 2h, 3d) or a UTC date or time (2026-11-01,
        2026-11-01T14:30Z); --since includes it, --until excludes it. Default limit 50.

        References and operator names are never shortened, so they can be pasted into
        show or retry; the note column gets what is left of the terminal width
        ($COLUMNS, else the terminal's, else 80). --wide never shortens anything.
        An unknown --operator is exit 1.

        --json prints JSON Lines: one object a line ("attemptCount" is a number), and
        nothing at all when no win matches.

        Example: jackpotd list --state failed --operator casino-a
        """
    static let options: [OptionSpec] = [
        .value("--state", "S", help: "only wins in this state"),
        .value("--operator", "O", help: "only this operator's wins"),
        .value("--user", "U", help: "only this player's (userId) wins"),
        .value("--since", "WHEN", help: "only wins enqueued since WHEN (2h, 3d, 2026-11-01)"),
        .value("--until", "WHEN", help: "only wins enqueued before WHEN (same forms)"),
        .value("--limit", "N", help: "at most N wins (default 50)"),
        .flag("--wide", help: "never shorten the note column"),
        .flag("--json", help: "one JSON object per line"),
    ]

    let filter: WinFilter
    let json: Bool
    let wide: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        var filter = try WinFilter(arguments)
        filter.limit = try arguments.int("--limit", range: 1...1_000_000) ?? 50
        self.filter = filter
        json = arguments.flag("--json")
        wide = arguments.flag("--wide")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let config = try context.loadConfigIfNamed()?.config
        let outbox = try CommandContext.openExistingOutbox(at: context.databasePath(config: config))
        try KnownOperators.require(filter.operatorName, among: KnownOperators.all(outbox: outbox, config: config))
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
                note =
                    "already credited (error \(win.alreadyCreditedCode!))"
                    + ((win.transactionId ?? "").isEmpty ? "" : ", tx \(win.transactionId!)")
            case .delivered: note = "tx " + (win.transactionId ?? "")
            case .pending where win.nextAttemptAt > now: note = "retry in \(TimeFormat.age(win.nextAttemptAt - now))"
            case .cancelled: note = win.cancelReason ?? ""
            default: note = win.lastError ?? ""
            }
            rows.append(
                (
                    [
                        win.reference, win.operatorName, win.amount, win.state.rawValue,
                        String(win.attempts), TimeFormat.age(now - win.createdAt),
                    ], note
                ))
        }
        // The note gets what the other columns leave of the width (each column is followed by a two-space gutter).
        let used = header.indices.map { column in rows.map { $0.cells[column].count }.reduce(header[column].count, max) + 2 }
        let noteWidth = max(12, TerminalWidth.current(context) - used.reduce(0, +))
        var table = TextTable(header + ["note"])
        for row in rows { table.add(row.cells + [wide ? row.note : Self.clip(row.note, noteWidth)]) }
        context.output.write(table.render())
        return .success
    }

    /// Shortens a note to the width; `show` and --wide print the whole value.
    static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}

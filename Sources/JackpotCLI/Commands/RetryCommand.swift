import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire
struct RetryCommand: Command {
    static let name = "retry"
    static let summary = "Make failed, cancelled or pending wins due now"
    static let synopsis =
        "retry REFERENCE… | retry --operator O [--state failed] [--since TIME] [--until TIME] [--dry-run] [--force] [--reason TEXT]"
    static let discussion = """
        With references: each named win becomes pending, due now. With --operator:
        every win of that operator in --state (default failed) does; --since and
        --until keep only the wins enqueued in that window (a duration back from now
        such as 2h, or a UTC time such as 2026-11-01T14:30Z; --since inclusive,
        --until exclusive), e.g. the wins that failed during an operator's outage.
        --dry-run prints the references that would be retried and changes nothing.
        A delivered win is never touched. Each retry is kept in the ops trail
        (`show` prints it) with who ran it and --reason; a cancel it undoes stays
        there too.

        A win first sent longer ago than its operator's duplicateWindowHours
        (default 72) is refused without --force: the wallet may have forgotten the
        reference and would credit it a second time. Reconcile with the operator's
        report first (jackpotd reconcile OPERATOR --file REPORT --apply), then retry
        what the operator did not credit.

        Exit status: 0 all done, 1 when a reference is unknown or delivered.
        """
    static let options: [OptionSpec] = [
        .value("--operator", "O", help: "retry all of this operator's wins in --state"),
        .value("--state", "S", help: "with --operator: failed (default), cancelled or pending"),
        .value("--since", "TIME", help: "with --operator: only wins enqueued at or after TIME (2h, 2026-11-01T14:30Z)"),
        .value("--until", "TIME", help: "with --operator: only wins enqueued before TIME"),
        .flag("--dry-run", help: "print what would be retried, change nothing"),
        .flag("--force", help: "also retry wins first sent before the operator's duplicate window"),
        .value("--reason", "TEXT", help: "why, kept in the ops trail"),
    ]

    let references: [String]
    let operatorName: String?
    let state: WinState
    let force: Bool
    let reason: String?
    let createdSince: Int64?
    let createdBefore: Int64?
    let dryRun: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        references = arguments.positionals
        operatorName = arguments.value("--operator")
        state = try arguments.state("--state") ?? .failed
        force = arguments.flag("--force")
        reason = arguments.value("--reason")
        let now = WallClock.nowMilliseconds()
        createdSince = try arguments.pointInTime("--since", now: now)
        createdBefore = try arguments.pointInTime("--until", now: now)
        dryRun = arguments.flag("--dry-run")
        if references.isEmpty && operatorName == nil { throw UsageError("name at least one REFERENCE, or --operator O") }
        if !references.isEmpty && operatorName != nil { throw UsageError("give references or --operator, not both") }
        for option in ["--state", "--since", "--until", "--dry-run"]
        where (arguments.value(option) != nil || arguments.flag(option)) && operatorName == nil {
            throw UsageError("\(option) goes with --operator")
        }
        if let createdSince, let createdBefore, createdBefore <= createdSince {
            throw UsageError("--until must be later than --since")
        }
        if !WinState.retryable.contains(state) {
            throw UsageError("--state must be failed, cancelled or pending (a \(state.rawValue) win cannot be retried)")
        }
    }

    /// ` enqueued since … until …` when the window is narrowed.
    private var windowText: String {
        var text = ""
        if let createdSince { text += " enqueued since \(TimeFormat.timestamp(createdSince))" }
        if let createdBefore {
            text += (createdSince == nil ? " enqueued" : "") + " before \(TimeFormat.timestamp(createdBefore))"
        }
        return text
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let config = try context.loadConfigIfNamed()?.config
        let outbox = try CommandContext.openExistingOutbox(
            at: context.databasePath(config: config), checkpoints: config?.checkpoints ?? .sqlite)
        let now = WallClock.nowMilliseconds()
        let window = DuplicateWindow(config: config)
        if let operatorName {
            try KnownOperators.require(operatorName, among: Set(try outbox.statusSnapshot(now: now).operatorNames))
            let old = try outbox.countAttempted(
                operator: operatorName, states: [state], before: window.cutoff(operatorName, now: now),
                createdSince: createdSince, createdBefore: createdBefore)
            if old > 0 && !force {
                throw CommandFailure(
                    "\(old) \(state.rawValue) win\(old == 1 ? " was" : "s were") of \(operatorName) first sent more than "
                        + "\(window.text(operatorName)) ago, \(window.explanation(operatorName)); nothing retried")
            }
            func wins(_ count: Int) -> String {
                "\(count) \(state.rawValue) win\(count == 1 ? "" : "s") of \(operatorName)\(windowText)"
            }
            if dryRun {
                let references = try outbox.retryCandidates(
                    operator: operatorName, state: state, createdSince: createdSince, createdBefore: createdBefore)
                for reference in references { context.output.line(HumanText.escaped(reference)) }
                context.errors.line("dry run: \(wins(references.count)) would be due now; nothing changed")
                return .success
            }
            let count = try outbox.retryAll(
                operator: operatorName, state: state, createdSince: createdSince, createdBefore: createdBefore, now: now,
                by: context.actor, reason: reason)
            context.output.line("\(wins(count)) due now")
            return .success
        }
        var failed = false
        for reference in references {
            if !force, let win = try outbox.win(reference: reference), WinState.retryable.contains(win.state),
                let first = try outbox.firstAttemptAt(winId: win.id), first < window.cutoff(win.operatorName, now: now)
            {
                context.errors.line(
                    "jackpotd retry: error: \(reference) was first sent \(TimeFormat.timestamp(first)), more than "
                        + "\(window.text(win.operatorName)) ago, \(window.explanation(win.operatorName))")
                failed = true
                continue
            }
            switch try outbox.retry(reference: reference, now: now, by: context.actor, reason: reason) {
            case .changed: context.output.line("\(HumanText.escaped(reference)): pending, due now")
            case .notFound:
                context.errors.line(
                    "jackpotd retry: error: " + HumanText.escaped(try PurgedWinText.notFound(reference, in: outbox)))
                failed = true
            case .refused(let state):
                context.errors.line(
                    "jackpotd retry: error: \(HumanText.escaped(reference)) is \(state.rawValue)"
                        + (state == .delivered
                            ? "; the operator has credited it, it is never sent again" : "; it is being sent right now"))
                failed = true
            }
        }
        return failed ? .failure : .success
    }
}

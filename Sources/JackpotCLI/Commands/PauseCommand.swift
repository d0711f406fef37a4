import JackpotConfiguration
import JackpotStore
import JackpotWire
struct PauseCommand: Command {
    static let name = "pause"
    static let summary = "Stop sending to an operator (a running daemon sees it within a second)"
    static let synopsis = "pause OPERATOR [--reason TEXT]"
    static let discussion = """
        Wins keep being accepted and wait as pending; nothing is sent to the operator
        until `jackpotd resume OPERATOR`. Calls already in flight finish. Max age still
        applies: a win paused past its operator's maxAgeHours becomes failed.

        Exit status: 0 done, 1 unknown operator.
        """
    static let options: [OptionSpec] = [
        .value("--reason", "TEXT", help: "why; `status --json` shows it (pauseReason), the table shows PAUSED")
    ]

    let operatorName: String
    let reason: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(1...1, what: "OPERATOR")
        operatorName = arguments.positionals[0]
        reason = arguments.value("--reason")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outbox = try OperatorToggle.open(operatorName, context: context)
        let changed = try outbox.setPaused(
            operator: operatorName, true, reason: reason, now: WallClock.nowMilliseconds(), by: context.actor)
        context.output.line(changed ? "\(operatorName): paused" : "\(operatorName): already paused")
        return .success
    }
}

struct ResumeCommand: Command {
    static let name = "resume"
    static let summary = "Resume sending to a paused operator"
    static let synopsis = "resume OPERATOR [--reason TEXT]"
    static let discussion =
        "Its pending wins are sent again within a second by a running daemon.\n\nExit status: 0 done, 1 unknown operator."
    static let options: [OptionSpec] = [.value("--reason", "TEXT", help: "why, kept in the ops trail")]

    let operatorName: String
    let reason: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(1...1, what: "OPERATOR")
        operatorName = arguments.positionals[0]
        reason = arguments.value("--reason")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outbox = try OperatorToggle.open(operatorName, context: context)
        let changed = try outbox.setPaused(
            operator: operatorName, false, reason: reason, now: WallClock.nowMilliseconds(), by: context.actor)
        context.output.line(changed ? "\(operatorName): resumed" : "\(operatorName): was not paused")
        return .success
    }
}

/// Pause and resume accept only operators jackpotd knows: configured ones, or
/// with --db alone, those the outbox has seen. The outbox must exist (a typo in
/// --db or "database" must not create an empty one).
enum OperatorToggle {
    static func open(_ name: String, context: CommandContext) throws -> Outbox {
        let config = try context.loadConfigIfNamed()?.config
        let path = try context.databasePath(config: config)
        let outbox = try CommandContext.openExistingOutbox(at: path, checkpoints: config?.checkpoints ?? .sqlite)
        let known: Set<String>
        if let config {
            known = Set(config.operators.keys)
        } else {
            known = Set(try outbox.operatorStates().keys).union(try outbox.statusSnapshot(now: 0).operatorNames)
        }
        try KnownOperators.require(name, among: known)
        return outbox
    }
}

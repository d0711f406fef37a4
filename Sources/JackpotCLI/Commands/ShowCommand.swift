import JackpotConfiguration
import JackpotStore
import JackpotWire
struct ShowCommand: Command {
    static let name = "show"
    static let summary = "One win: its state, its attempts, and the exact request it sends"
    static let synopsis = "show REFERENCE [--json]"
    static let discussion = """
        Prints the stored win, every attempt made for it (time, duration, HTTP status,
        operator error code, outcome, first bytes of the answer), the ops trail (each
        retry and cancel: when, by whom, why; "opsActions" in --json), and the exact request
        the daemon sends: URL (query values masked), headers, body and hash. The secret
        is never shown and the player token is masked; the hash is the real one.

        The request needs the operator's config (--config); with --db alone it is left out.
        When the operator's secret cannot be read, the win and its attempts are still
        shown; the request is replaced by one line saying why (`jackpotd check` gives
        the details), because a request without its real hash would mislead.

        Exit status: 0 found, 1 unknown reference.
        """
    static let options: [OptionSpec] = [.flag("--json", help: "print one JSON object with an \"attempts\" array")]

    let reference: String
    let json: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(1...1, what: "REFERENCE")
        reference = arguments.positionals[0]
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let loaded = try context.loadConfigIfNamed(secrets: .ifReadable)
        let config = loaded?.config
        let outbox = try CommandContext.openExistingOutbox(at: context.databasePath(config: config))
        guard let win = try outbox.win(reference: reference) else {
            throw CommandFailure(try PurgedWinText.notFound(reference, in: outbox))
        }
        let attempts = try outbox.attempts(winId: win.id)
        let trail = try outbox.opsActions(reference: win.reference)
        var request: WireRequest?
        var requestProblem: String?
        if let config {
            if let unreadable = loaded?.unavailableSecrets[win.operatorName] {
                requestProblem = "request unavailable: the secret cannot be read (\(unreadable))"
            } else if let operatorConfig = config.operators[win.operatorName] {
                do {
                    request = try WireRequest.build(win: try win.win(), providerId: config.providerId, operator: operatorConfig)
                } catch {
                    requestProblem = "cannot be built: \(error)"
                }
            } else {
                requestProblem = "operator \"\(win.operatorName)\" is not in the config"
            }
        } else {
            requestProblem = "pass --config to see the request"
        }
        if json {
            var object = WinPresentation.json(win, attempts: attempts, request: request, requestProblem: requestProblem)
            object["opsActions"] = WinPresentation.opsTrailJSON(trail)
            context.output.line(JSONWriter.serialize(.object(object)))
        } else {
            context.output.write(WinPresentation.text(win, attempts: attempts, request: request, requestProblem: requestProblem))
            context.output.write(WinPresentation.opsTrailText(trail))
        }
        return .success
    }
}

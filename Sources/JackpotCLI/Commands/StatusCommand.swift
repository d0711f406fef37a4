import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

struct StatusCommand: Command {
    static let name = "status"
    static let summary = "Counts per state and operator, oldest pending age, circuits, delivery rate"
    static let synopsis = "status [--json] [--watch]"
    static let discussion = """
        One line per operator: wins pending, sending, delivered, failed and cancelled;
        the age of the oldest pending win; when the next retry is due; the circuit
        state and paused flag; deliveries in the last minute and hour. Below the table,
        an operator that answered the same error code to consecutive wins is named
        ("rejecting: error 5 … since 14:02 UTC — check secret and hash settings"):
        such refusals are deterministic, and retrying does not help. Failed or
        cancelled wins first sent longer ago than the operator's duplicateWindowHours
        are counted too ("past duplicate window"): reconcile before retrying them.
        Reads counters
        kept by the database, so it is instant on a large outbox.

        Below that, the daemons working on this outbox (each writes a heartbeat every
        2 s or housekeeping pass, whichever is longer): live, or VANISHED when its
        process is gone (same host) or it has missed five beats (at least 15 s), with
        the sending wins it still holds. With --config, configured operators without wins are listed with
        zeros, and operators in the outbox but not in the config are named.

        --json prints {"counts": {"pending": N, …}, "operators": {…}, "daemons": […],
        "operatorsNotConfigured": […]} for scripts.
        --watch redraws every second until interrupted (plain lines when piped).
        """
    static let options: [OptionSpec] = [
        .flag("--json", help: "print JSON with a top-level \"counts\" object keyed by state"),
        .flag("--watch", help: "refresh every second"),
    ]

    let json: Bool
    let watch: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        json = arguments.flag("--json")
        watch = arguments.flag("--watch")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let config = try context.loadConfigIfNamed()?.config
        let outbox = try CommandContext.openExistingOutbox(at: context.databasePath(config: config))
        let configured = config.map { Array($0.operators.keys) }
        let window = DuplicateWindow(config: config)
        let terminal = isatty(STDOUT_FILENO) == 1 && context.output !== context.errors
        var previousDelivered: [String: Int]?
        while true {
            let now = WallClock.nowMilliseconds()
            let stored = try outbox.statusSnapshot(now: now)
            let daemons = try StatusDaemons(outbox: outbox, snapshot: stored, config: config, now: now)
            let snapshot = daemons.including(stored)
            var pastWindow: [String: Int] = [:]
            for name in snapshot.operatorNames {
                pastWindow[name] = try outbox.countAttempted(
                    operator: name, states: [.failed, .cancelled], before: window.cutoff(name, now: now))
            }
            if json {
                var object = Self.json(snapshot, now: now, pastWindow: pastWindow)
                Self.addWarnings(snapshot, configured: configured, to: &object)
                for (key, value) in daemons.json(now: now).members { object[key] = value }
                context.output.line(JSONWriter.serialize(.object(object)))
            } else {
                if watch && terminal { context.output.write("\u{1B}[H\u{1B}[2J") }
                context.output.write(Self.text(snapshot, now: now, previousDelivered: previousDelivered, pastWindow: pastWindow, window: window))
                for warning in Self.warnings(snapshot, configured: configured) { context.output.line("WARNING: " + HumanText.escaped(warning)) }
                context.output.write(daemons.text(now: now))
                if watch { context.output.line() }
            }
            context.output.flush()
            guard watch else { return .success }
            previousDelivered = Dictionary(uniqueKeysWithValues: snapshot.operatorNames.map { ($0, snapshot.count(.delivered, operator: $0)) })
            try await Task.sleep(for: .seconds(1))
        }
    }

    static func json(_ snapshot: StatusSnapshot, now: Int64, pastWindow: [String: Int] = [:]) -> JSONObject {
        var counts = JSONObject()
        for state in WinState.allCases { counts[state.rawValue] = .number(String(snapshot.total(state))) }
        var operators = JSONObject()
        for name in snapshot.operatorNames {
            var byState = JSONObject()
            for state in WinState.allCases { byState[state.rawValue] = .number(String(snapshot.count(state, operator: name))) }
            let runtime = snapshot.operators[name]
            operators[name] = .object(JSONObject([
                "counts": .object(byState),
                "oldestPendingAgeSeconds": snapshot.oldestPendingCreatedAt[name].map { .number(String(max(0, now - $0) / 1000)) } ?? .null,
                "nextAttemptAt": WinPresentation.jsonTime(snapshot.nextAttemptAt[name]),
                "circuit": .string(runtime?.circuitState.rawValue ?? "closed"),
                "circuitOpenUntil": WinPresentation.jsonTime(runtime?.circuitOpenUntil),
                "paused": .bool(runtime?.paused ?? false),
                "pauseReason": WinPresentation.jsonText(runtime?.pauseReason),
                "deliveredLastMinute": .number(String(snapshot.deliveredLastMinute[name] ?? 0)),
                "deliveredLastHour": .number(String(snapshot.deliveredLastHour[name] ?? 0)),
                "refusing": RefusalPresentation.json(runtime?.refusal),
                "pastDuplicateWindow": .number(String(pastWindow[name] ?? 0)),
                "rateLimitedSince": WinPresentation.jsonTime(runtime?.rateLimitedSince),
                "secretInUse": WinPresentation.jsonText(runtime?.secretInUse?.rawValue),
                "secretInUseSince": WinPresentation.jsonTime(runtime?.secretInUseSince),
            ]))
        }
        let oldest = snapshot.oldestPendingCreatedAt.values.min()
        return JSONObject([
            "counts": .object(counts),
            "oldestPendingAgeSeconds": oldest.map { .number(String(max(0, now - $0) / 1000)) } ?? .null,
            "deliveredLastMinute": .number(String(snapshot.deliveredLastMinute.values.reduce(0, +))),
            "deliveredLastHour": .number(String(snapshot.deliveredLastHour.values.reduce(0, +))),
            "pastDuplicateWindow": .number(String(pastWindow.values.reduce(0, +))),
            "operators": .object(operators),
        ])
    }

    /// What needs ops even when every count looks normal.
    static func warnings(_ snapshot: StatusSnapshot, configured: [String]?) -> [String] {
        var warnings: [String] = []
        let unconfigured = configured.map { snapshot.unconfiguredPending(configured: $0) } ?? []
        for (name, count) in unconfigured {
            warnings.append("\(count) pending win\(count == 1 ? "" : "s") of operator \(name), which is not in the config: nothing sends \(count == 1 ? "it" : "them")")
        }
        let mismatches = snapshot.transactionIdMismatches
        if mismatches > 0 {
            warnings.append("\(mismatches) delivered win\(mismatches == 1 ? " was" : "s were") confirmed again under another transactionId; the first is kept (jackpotd show REFERENCE; reconcile with the operator)")
        }
        return warnings
    }

    static func addWarnings(_ snapshot: StatusSnapshot, configured: [String]?, to object: inout JSONObject) {
        object["transactionIdMismatches"] = .number(String(snapshot.transactionIdMismatches))
        if let configured {
            var unconfigured = JSONObject()
            for (name, count) in snapshot.unconfiguredPending(configured: configured) { unconfigured[name] = .number(String(count)) }
            object["unconfiguredPending"] = .object(unconfigured)
        }
    }

    /// One row per operator plus a total. Short headers keep it within 80 columns
    /// for names like `casino-a` even with a retry due "in 12m05s" and a "half-open" circuit.
    static func text(
        _ snapshot: StatusSnapshot, now: Int64, previousDelivered: [String: Int]?, pastWindow: [String: Int] = [:],
        window: DuplicateWindow = DuplicateWindow(config: nil)
    ) -> String {
        var table = TextTable(["operator", "pend", "send", "deliv", "fail", "canc", "oldest", "next", "circuit", "1m/1h"])
        for name in snapshot.operatorNames {
            let runtime = snapshot.operators[name]
            var circuit = runtime?.circuitState.rawValue ?? "closed"
            if runtime?.paused == true { circuit = "PAUSED" }
            var rate = "\(snapshot.deliveredLastMinute[name] ?? 0)/\(snapshot.deliveredLastHour[name] ?? 0)"
            if let previous = previousDelivered?[name] {
                rate += " +\(snapshot.count(.delivered, operator: name) - previous)/s"
            }
            table.add([
                name,
                String(snapshot.count(.pending, operator: name)), String(snapshot.count(.sending, operator: name)),
                String(snapshot.count(.delivered, operator: name)), String(snapshot.count(.failed, operator: name)),
                String(snapshot.count(.cancelled, operator: name)),
                snapshot.oldestPendingCreatedAt[name].map { TimeFormat.age(now - $0) } ?? "-",
                snapshot.nextAttemptAt[name].map { $0 <= now ? "now" : "in " + TimeFormat.age($0 - now) } ?? "-",
                circuit, rate,
            ])
        }
        let oldest = snapshot.oldestPendingCreatedAt.values.min()
        table.add([
            "TOTAL", String(snapshot.total(.pending)), String(snapshot.total(.sending)), String(snapshot.total(.delivered)),
            String(snapshot.total(.failed)), String(snapshot.total(.cancelled)),
            oldest.map { TimeFormat.age(now - $0) } ?? "-", "", "",
            "\(snapshot.deliveredLastMinute.values.reduce(0, +))/\(snapshot.deliveredLastHour.values.reduce(0, +))",
        ])
        var text = table.render()
        let refusing = snapshot.operatorNames.compactMap { name in
            snapshot.operators[name]?.refusal.flatMap { $0.isReported ? (name, $0) : nil }
        }
        if !refusing.isEmpty { text += "\n" }
        for (name, refusal) in refusing { text += RefusalPresentation.text(operator: name, refusal, now: now) }
        let controls = snapshot.operatorNames.flatMap { name in
            snapshot.operators[name].map { controlLines(operator: name, $0, now: now) } ?? []
        }
        if !controls.isEmpty && refusing.isEmpty { text += "\n" }
        text += controls.map { $0 + "\n" }.joined()
        let old = snapshot.operatorNames.filter { (pastWindow[$0] ?? 0) > 0 }
        if !old.isEmpty && refusing.isEmpty && controls.isEmpty { text += "\n" }
        for name in old {
            let count = pastWindow[name]!
            text += "\(name): \(count) failed/cancelled win\(count == 1 ? "" : "s") first sent over \(window.text(name)) ago\n"
                + "  — past its duplicate window: reconcile before retrying\n"
        }
        return text
    }

    /// What an operator's rate limit and secret rotation are doing, as the daemon last stored it.
    static func controlLines(operator name: String, _ runtime: OperatorRuntimeState, now: Int64) -> [String] {
        var lines: [String] = []
        if let since = runtime.rateLimitedSince {
            lines.append("\(name): rate limit holding wins back since \(RefusalPresentation.since(since, now: now)) (they wait in pending)")
        }
        if let secret = runtime.secretInUse {
            let since = runtime.secretInUseSince.map { " since " + RefusalPresentation.since($0, now: now) } ?? ""
            lines.append(secret == .previous
                ? "\(name): wallet accepts the previous secret\(since): the operator has not switched to the new one yet"
                : "\(name): wallet accepts the current secret\(since): once it has for a while, the previous one can go")
        }
        return lines
    }
}

import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

struct StatusCommand: Command {
    static let name = "status"
    static let summary = "Counts per state and operator, oldest pending age, circuits, delivery rate"
    static let synopsis = "status [--json] [--watch] [--all]"
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

        With more than \(everyOperatorListedUpTo) operators, the table lists those with something to
        show (wins pending, sending or failed, a circuit not closed, paused, a note
        below the table) and counts the quiet rest in one line below TOTAL, which
        includes their wins; --all lists every one. From the config, status reads
        only the database and the operators' names and duplicateWindowHours:
        `jackpotd check` validates the rest.

        --json prints {"counts": {"pending": N, …}, "operators": {…}, "daemons": […],
        "operatorsNotConfigured": […]} for scripts.
        --watch redraws every second until interrupted (plain lines when piped).
        """
    static let options: [OptionSpec] = [
        .flag("--json", help: "print JSON with a top-level \"counts\" object keyed by state"),
        .flag("--watch", help: "refresh every second"),
        .flag("--all", help: "list every operator, quiet ones too (--json always does)"),
    ]

    /// Up to this many operators the table lists every one; beyond, quiet ones are counted in one line.
    static let everyOperatorListedUpTo = 20

    let json: Bool
    let watch: Bool
    let all: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        json = arguments.flag("--json")
        watch = arguments.flag("--watch")
        all = arguments.flag("--all")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outline = try context.loadConfigOutlineIfNamed()
        let outbox = try CommandContext.openExistingOutbox(at: context.databasePath(configured: outline?.database))
        let configured = outline.map { Set($0.duplicateWindowHours.keys) }
        let window = DuplicateWindow(outline: outline)
        let terminal = isatty(STDOUT_FILENO) == 1 && context.output !== context.errors
        var previousDelivered: [String: Int]?
        while true {
            let now = WallClock.nowMilliseconds()
            let stored = try outbox.statusSnapshot(now: now)
            let daemons = try StatusDaemons(outbox: outbox, snapshot: stored, configured: configured, now: now)
            let snapshot = daemons.including(stored)
            var pastWindow: [String: Int] = [:]
            // Only operators with failed or cancelled wins can have any past their window.
            for (name, byState) in snapshot.countsByOperator() where byState[.failed] != nil || byState[.cancelled] != nil {
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
                context.output.write(
                    Self.text(
                        snapshot, now: now, previousDelivered: previousDelivered, pastWindow: pastWindow, window: window, all: all
                    ))
                for warning in Self.warnings(snapshot, configured: configured) {
                    context.output.line("WARNING: " + HumanText.escaped(warning))
                }
                context.output.write(daemons.text(now: now))
                if watch { context.output.line() }
            }
            context.output.flush()
            guard watch else { return .success }
            let counts = snapshot.countsByOperator()
            previousDelivered = Dictionary(
                uniqueKeysWithValues: snapshot.operatorNames.map { ($0, counts[$0]?[.delivered] ?? 0) })
            try await Task.sleep(for: .seconds(1))
        }
    }

    static func json(_ snapshot: StatusSnapshot, now: Int64, pastWindow: [String: Int] = [:]) -> JSONObject {
        var counts = JSONObject()
        for state in WinState.allCases { counts[state.rawValue] = .number(String(snapshot.total(state))) }
        var operators = JSONObject()
        let byOperator = snapshot.countsByOperator()
        for name in snapshot.operatorNames {
            var byState = JSONObject()
            for state in WinState.allCases { byState[state.rawValue] = .number(String(byOperator[name]?[state] ?? 0)) }
            let runtime = snapshot.operators[name]
            operators[name] = .object(
                JSONObject([
                    "counts": .object(byState),
                    "oldestPendingAgeSeconds": snapshot.oldestPendingCreatedAt[name].map {
                        .number(String(max(0, now - $0) / 1000))
                    } ?? .null,
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
    static func warnings(_ snapshot: StatusSnapshot, configured: Set<String>?) -> [String] {
        var warnings: [String] = []
        let unconfigured = configured.map { snapshot.unconfiguredPending(configured: $0) } ?? []
        for (name, count) in unconfigured {
            warnings.append(
                "\(count) pending win\(count == 1 ? "" : "s") of operator \(name), which is not in the config: nothing sends \(count == 1 ? "it" : "them")"
            )
        }
        let mismatches = snapshot.transactionIdMismatches
        if mismatches > 0 {
            warnings.append(
                "\(mismatches) delivered win\(mismatches == 1 ? " was" : "s were") confirmed again under another transactionId; the first is kept (jackpotd show REFERENCE; reconcile with the operator)"
            )
        }
        return warnings
    }

    static func addWarnings(_ snapshot: StatusSnapshot, configured: Set<String>?, to object: inout JSONObject) {
        object["transactionIdMismatches"] = .number(String(snapshot.transactionIdMismatches))
        if let configured {
            var unconfigured = JSONObject()
            for (name, count) in snapshot.unconfiguredPending(configured: configured) {
                unconfigured[name] = .number(String(count))
            }
            object["unconfiguredPending"] = .object(unconfigured)
        }
    }

    /// One row per operator plus a total. Short headers keep it within 80 columns
    /// for names like `casino-a` even with a retry due "in 12m05s" and a "half-open" circuit.
    /// Unless `all`, more than `everyOperatorListedUpTo` operators fold the quiet ones into one line.
    static func text(
        _ snapshot: StatusSnapshot, now: Int64, previousDelivered: [String: Int]?, pastWindow: [String: Int] = [:],
        window: DuplicateWindow = DuplicateWindow(config: nil), all: Bool = true
    ) -> String {
        let names = snapshot.operatorNames
        let counts = snapshot.countsByOperator()
        func count(_ state: WinState, _ name: String) -> Int { counts[name]?[state] ?? 0 }
        let refusing = names.compactMap { name in
            snapshot.operators[name]?.refusal.flatMap { $0.isReported ? (name, $0) : nil }
        }
        let controls = names.map { name in
            (name, snapshot.operators[name].map { controlLines(operator: name, $0, now: now) } ?? [])
        }.filter { !$0.1.isEmpty }
        let old = names.filter { (pastWindow[$0] ?? 0) > 0 }

        var listed = names
        if !all && names.count > everyOperatorListedUpTo {
            let noted = Set(refusing.map { $0.0 }).union(controls.map { $0.0 }).union(old)
            listed = names.filter { name in
                let runtime = snapshot.operators[name]
                return count(.pending, name) > 0 || count(.sending, name) > 0 || count(.failed, name) > 0
                    || (runtime?.circuitState ?? .closed) != .closed || runtime?.paused == true || noted.contains(name)
            }
        }

        var table = TextTable(["operator", "pend", "send", "deliv", "fail", "canc", "oldest", "next", "circuit", "1m/1h"])
        table.reserveCapacity(listed.count + 1)
        for name in listed {
            let runtime = snapshot.operators[name]
            var circuit = runtime?.circuitState.rawValue ?? "closed"
            if runtime?.paused == true { circuit = "PAUSED" }
            var rate = "\(snapshot.deliveredLastMinute[name] ?? 0)/\(snapshot.deliveredLastHour[name] ?? 0)"
            if let previous = previousDelivered?[name] {
                rate += " +\(count(.delivered, name) - previous)/s"
            }
            table.add([
                name,
                String(count(.pending, name)), String(count(.sending, name)), String(count(.delivered, name)),
                String(count(.failed, name)), String(count(.cancelled, name)),
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
        let quiet = names.count - listed.count
        if quiet > 0 {
            text += "+ \(quiet) quiet operator\(quiet == 1 ? "" : "s"): nothing pending, sending or failed; --all lists them\n"
        }
        if !refusing.isEmpty { text += "\n" }
        for (name, refusal) in refusing { text += RefusalPresentation.text(operator: name, refusal, now: now) }
        if !controls.isEmpty && refusing.isEmpty { text += "\n" }
        for (_, lines) in controls {
            for line in lines { text += line + "\n" }
        }
        if !old.isEmpty && refusing.isEmpty && controls.isEmpty { text += "\n" }
        for name in old {
            let wins = pastWindow[name]!
            text +=
                "\(name): \(wins) failed/cancelled win\(wins == 1 ? "" : "s") first sent over \(window.text(name)) ago\n"
                + "  — past its duplicate window: reconcile before retrying\n"
        }
        return text
    }

    /// What an operator's rate limit and secret rotation are doing, as the daemon last stored it.
    static func controlLines(operator name: String, _ runtime: OperatorRuntimeState, now: Int64) -> [String] {
        var lines: [String] = []
        if let since = runtime.rateLimitedSince {
            lines.append(
                "\(name): rate limit holding wins back since \(RefusalPresentation.since(since, now: now)) (they wait in pending)"
            )
        }
        if let secret = runtime.secretInUse {
            let since = runtime.secretInUseSince.map { " since " + RefusalPresentation.since($0, now: now) } ?? ""
            lines.append(
                secret == .previous
                    ? "\(name): wallet accepts the previous secret\(since): the operator has not switched to the new one yet"
                    : "\(name): wallet accepts the current secret\(since): once it has for a while, the previous one can go")
        }
        return lines
    }
}

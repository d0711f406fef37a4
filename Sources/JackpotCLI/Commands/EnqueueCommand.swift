import Foundation
import JackpotConfiguration
import JackpotIngest
import JackpotStore
import JackpotWire

struct EnqueueCommand: Command {
    static let name = "enqueue"
    static let summary = "Add wins to the outbox: one from flags, or JSON Lines from stdin or --file"
    static let synopsis = "enqueue [--file PATH | --operator O --reference R --user-id U ...] [--create] [--json]"
    static let discussion = """
        With --operator (and the other win flags) one win is enqueued. Otherwise every
        line of --file (or stdin) is one JSON object with "operator" plus the JackPotWin
        field names: userId, gameId, roundId, amount, reference, jackpotId, and
        optionally timestamp (epoch ms, default now), platform, token, jackpotDetails (a
        JSON object, sent as its compact text, or a string) and extra (an object of
        string values sent as further fields). "amount" may be a JSON number or a
        string; it is validated as exact decimal and kept in shortest form (1250.50 is
        1250.5). With --config, each win is checked
        against its operator's requireToken and limits.

        Enqueue is idempotent on reference: the same win again is a duplicate (fine);
        the same reference with different content is rejected as a conflict. Valid
        lines are stored even when others are rejected; each rejected line is reported
        as "line N: field reason" on stderr. When enqueue returns, accepted wins are on
        disk.

        The outbox must exist (`jackpotd run` creates it), so a mistyped --db is refused
        instead of collecting wins nobody delivers; --create makes a new one. Without
        --config, operator names cannot be checked: enqueue says so on stderr and
        accepts any name.

        Examples (each pastes as it is):
          jackpotd enqueue --config /etc/jackpotd/config.json --operator casino-a \\
              --reference 585c1306f89c56f5ecfc2f5d --user-id 421 \\
              --game-id Im_60_tumblefortune --round-id 5103188801 \\
              --jackpot-id 568 --amount 55
          jackpotd enqueue --config /etc/jackpotd/config.json --file wins.jsonl

        A single win needs --operator, --reference, --user-id, --game-id, --round-id,
        --jackpot-id and --amount; a missing one is exit 2 naming it.

        Exit status: 0 when nothing was rejected, 1 when any line was rejected.
        """
    static let options: [OptionSpec] = [
        .value("--file", "PATH", help: "read JSON Lines from PATH instead of stdin"),
        .value("--operator", "NAME", help: "single win: the operator to credit"),
        .value("--reference", "REF", help: "single win: unique reference"),
        .value("--user-id", "ID", help: "single win: userId"),
        .value("--game-id", "ID", help: "single win: gameId"),
        .value("--round-id", "ID", help: "single win: roundId"),
        .value("--jackpot-id", "ID", help: "single win: jackpotId"),
        .value("--amount", "DECIMAL", help: "single win: amount, e.g. 55 or 1250.50"),
        .value("--timestamp", "MS", help: "single win: epoch milliseconds (default now)"),
        .value("--platform", "NAME", help: "single win: optional platform"),
        .value("--token", "TOKEN", help: "single win: optional player token"),
        .flag("--create", help: "create the outbox database if it does not exist"),
        .flag("--json", help: "print a JSON summary"),
    ]

    static let winFlags: [(flag: String, field: String)] = [
        ("--operator", "operator"), ("--reference", "reference"), ("--user-id", "userId"), ("--game-id", "gameId"),
        ("--round-id", "roundId"), ("--jackpot-id", "jackpotId"), ("--amount", "amount"),
        ("--timestamp", "timestamp"), ("--platform", "platform"), ("--token", "token"),
    ]

    static let requiredWinFlags = [
        "--operator", "--reference", "--user-id", "--game-id", "--round-id", "--jackpot-id", "--amount",
    ]

    let file: String?
    let singleWin: JSONObject?
    let json: Bool
    let create: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        file = arguments.value("--file")
        json = arguments.flag("--json")
        create = arguments.flag("--create")
        var object = JSONObject()
        for (flag, field) in Self.winFlags {
            if let value = arguments.value(flag) { object[field] = .string(value) }
        }
        singleWin = object.count > 0 ? object : nil
        if singleWin != nil, file != nil {
            throw UsageError("give either --file or the single-win flags, not both")
        }
        if singleWin != nil {
            let missing = Self.requiredWinFlags.filter { arguments.value($0) == nil }
            if !missing.isEmpty {
                throw UsageError("a single win also needs \(missing.joined(separator: ", "))")
            }
        }
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let config = try context.loadConfigIfNamed()?.config
        let path = try context.databasePath(config: config)
        let busyTimeout = config?.busyTimeoutMilliseconds ?? Int(JackpotConfig.defaultBusyTimeoutSeconds * 1000)
        let checkpoints = config?.checkpoints ?? .sqlite
        let creating = create && access(path, F_OK) != 0
        if creating {
            let problems = FileAccess.outboxProblems(path)
            guard problems.isEmpty else { throw CommandFailure(problems.joined(separator: "; ")) }
        }
        let outbox =
            creating
            ? try Outbox(path: path, busyTimeoutMilliseconds: busyTimeout, checkpoints: checkpoints)
            : try CommandContext.openExistingOutbox(at: path, busyTimeoutMilliseconds: busyTimeout, checkpoints: checkpoints)
        if config == nil {
            context.errors.line(
                "jackpotd enqueue: warning: no --config, so operator names are not checked (a misspelt one is never delivered)")
        }
        var session = EnqueueSession(outbox: outbox, admission: WinAdmission(config: config))

        if let singleWin {
            try session.add(lineNumber: 1) { (now) throws(WinValidationError) in try WinLineParser.parse(singleWin, now: now) }
            try session.flush()
        } else {
            let descriptor: Int32
            if let file {
                descriptor = open(file, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    throw CommandFailure("cannot read \(file): \(String(cString: strerror(errno)))")
                }
            } else {
                descriptor = context.standardInput
                // Otherwise a bare `jackpotd enqueue` just waits, looking hung.
                if isatty(descriptor) == 1 {
                    context.errors.line("reading JSON Lines from standard input (Ctrl-D to end)…")
                    context.errors.flush()
                }
            }
            defer { if file != nil { close(descriptor) } }
            var reader = LineReader(descriptor: descriptor, maxLineBytes: WinLineParser.maxLineBytes)
            var lineNumber = 0
            // Long batches show progress on a terminal; scripts and pipes get only the summary.
            let showProgress = isatty(STDERR_FILENO) == 1 && !context.errors.isCapturing
            // Each chunk of lines is parsed concurrently while the chunk before it
            // is written, so JSON parsing and SQLite inserts overlap instead of taking
            // turns. Chunks are still stored in input order.
            var lines: [(lineNumber: Int, bytes: [UInt8])] = []
            var parsing: Task<[ParsedLine], Never>?
            func handOver(_ lines: [(lineNumber: Int, bytes: [UInt8])]) async throws {
                let next = EnqueueSession.parse(lines, now: session.now)
                if let parsing { try session.add(await parsing.value) }
                parsing = next
            }
            while let line = reader.next() {
                lineNumber += 1
                if showProgress, lineNumber % 100_000 == 0 {
                    // Return and clear the line, so a shorter line never leaves the tail of a longer one.
                    context.errors.write("\r\u{1B}[2K\(lineNumber) lines read…")
                    context.errors.flush()
                }
                switch line {
                case .text(let bytes):
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                    lines.append((lineNumber, bytes))
                    if lines.count == Outbox.enqueueChunkSize {
                        try await handOver(lines)
                        lines.removeAll(keepingCapacity: true)
                    }
                case .tooLong(let count):
                    session.reject(
                        lineNumber: lineNumber,
                        reason: "line is \(count) bytes, longer than the \(WinLineParser.maxLineBytes)-byte limit")
                }
            }
            if showProgress, lineNumber >= 100_000 { context.errors.write("\r\u{1B}[2K\(lineNumber) lines read\n") }
            if let error = reader.error {
                throw CommandFailure("reading \(file ?? "stdin") failed: \(String(cString: strerror(error)))")
            }
            try await handOver(lines)
            if let parsing { try session.add(await parsing.value) }
            try session.flush()
        }
        session.report(to: context, json: json, singleWin: singleWin != nil)
        return session.rejected.isEmpty ? .success : .failure
    }
}

/// Collects parsed lines into chunks and writes them to the outbox, keeping the
/// line numbers so every result can be reported against its line.
struct EnqueueSession {
    let outbox: Outbox
    /// With a config: wins of unknown operators, or that their wallet would refuse, are rejected now, by line.
    let admission: WinAdmission
    var pending: [(lineNumber: Int, win: NewWin)] = []
    var accepted: [(lineNumber: Int, reference: String)] = []
    var duplicates: [(lineNumber: Int, reference: String)] = []
    var rejected: [(lineNumber: Int, reason: String)] = []
    let now = WallClock.nowMilliseconds()

    init(outbox: Outbox, admission: WinAdmission) {
        self.outbox = outbox
        self.admission = admission
    }

    mutating func add(lineNumber: Int, _ parse: (Int64) throws(WinValidationError) -> NewWin) throws {
        let newWin: NewWin
        do {
            newWin = try parse(now)
        } catch {
            reject(lineNumber: lineNumber, reason: error.description)
            return
        }
        if let refusal = admission.refusal(of: newWin) {
            reject(lineNumber: lineNumber, reason: refusal)
            return
        }
        pending.append((lineNumber, newWin))
        if pending.count >= Outbox.enqueueChunkSize { try flush() }
    }

    /// Parses `lines` on a thread of its own; the results keep the lines' order.
    static func parse(_ lines: [(lineNumber: Int, bytes: [UInt8])], now: Int64) -> Task<[ParsedLine], Never> {
        Task.detached {
            lines.map { line in
                do throws(WinValidationError) {
                    return ParsedLine(lineNumber: line.lineNumber, win: .success(try WinLineParser.parse(line.bytes, now: now)))
                } catch {
                    return ParsedLine(lineNumber: line.lineNumber, win: .failure(error))
                }
            }
        }
    }

    /// Adds lines parsed by `parse(_:now:)`, in their order.
    mutating func add(_ parsed: [ParsedLine]) throws {
        for line in parsed {
            try add(lineNumber: line.lineNumber) { (_) throws(WinValidationError) in try line.win.get() }
        }
    }

    mutating func reject(lineNumber: Int, reason: String) {
        rejected.append((lineNumber, reason))
    }

    mutating func flush() throws {
        guard !pending.isEmpty else { return }
        let results = try outbox.enqueue(pending.map(\.win), now: now, operatorsChecked: admission.operators != nil)
        for (item, result) in zip(pending, results) {
            switch result {
            case .accepted: accepted.append((item.lineNumber, item.win.win.reference))
            case .duplicate: duplicates.append((item.lineNumber, item.win.win.reference))
            case .rejected(let rejection): reject(lineNumber: item.lineNumber, reason: rejection.description)
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    func report(to context: CommandContext, json: Bool, singleWin: Bool) {
        let sortedRejections = rejected.sorted { $0.lineNumber < $1.lineNumber }
        if json {
            let object = JSONObject([
                "accepted": .number(String(accepted.count)),
                "duplicate": .number(String(duplicates.count)),
                "rejected": .number(String(rejected.count)),
                "rejections": .array(
                    sortedRejections.map {
                        .object(JSONObject(["line": .number(String($0.lineNumber)), "reason": .string($0.reason)]))
                    }),
            ])
            context.output.line(JSONWriter.serialize(.object(object)))
            return
        }
        for rejection in sortedRejections {
            let reason = HumanText.escaped(rejection.reason)
            context.errors.line(singleWin ? "rejected: \(reason)" : "line \(rejection.lineNumber): \(reason)")
        }
        if singleWin {
            if let win = accepted.first { context.output.line("accepted \(HumanText.escaped(win.reference))") }
            if let win = duplicates.first {
                let why =
                    (try? outbox.tombstone(reference: win.reference)).flatMap { $0 }
                    .map { "\(PurgedWinText.text($0)); never sent again" } ?? "already in the outbox, unchanged"
                context.output.line("duplicate \(HumanText.escaped(win.reference)) (\(why))")
            }
        } else {
            context.output.line("accepted \(accepted.count), duplicate \(duplicates.count), rejected \(rejected.count)")
        }
    }
}

/// One JSON Lines record after parsing: the win, or why the line is rejected.
struct ParsedLine: Sendable {
    let lineNumber: Int
    let win: Result<NewWin, WinValidationError>
}

import Foundation
import JackpotConfiguration
import JackpotDelivery
import JackpotIngest
import JackpotStore
import JackpotTelemetry
import JackpotWire

struct DemoCommand: Command {
    static let name = "demo"
    static let summary = "The whole path on this machine: outbox, two simulated operators, the real daemon"
    static let synopsis = "demo [--wins N] [--keep] [--ingest]"
    static let discussion = """
        Creates a temporary outbox, starts two scripted operator wallets on loopback
        (one healthy; one flaky that resets connections, loses answers and returns
        503), enqueues sample wins for both, and runs the real dispatcher over real
        HTTP until every win is delivered. Shows live progress per operator and a
        summary: delivered, attempts, retries, latency, and the operators' own count
        of credits (each win is credited exactly once, however often it was sent).
        The wallets run in jackpotd-demo-wallets, a program that must be in the
        same directory as jackpotd (`make demo` builds both there).

        With --keep the directory stays: outbox.sqlite3, config.json (secrets in
        secrets/), and daemon.log (the daemon's info-level log), so the outbox can be
        inspected afterwards with `jackpotd status --config DIR/config.json`, `list`,
        `show` (the simulated operators are gone by then, so `run` would only retry).

        With --ingest the HTTP ingest listener runs too (on a loopback port, with a
        token made for the run), and one more win arrives through it as a game
        platform would send it: POST /v1/wins, then GET /v1/wins/{reference} once it
        is delivered. `make demo` runs this way.

        Exit status: 0 when every win was delivered and credited once, 1 otherwise.
        """
    static let options: [OptionSpec] = [
        .value("--wins", "N", help: "how many sample wins (default 300)"),
        .flag("--keep", help: "keep the directory (outbox, config.json, secrets, daemon.log) and print its path"),
        .flag("--ingest", help: "also run the HTTP listener and post one win to it"),
    ]

    let winCount: Int
    let keep: Bool
    let ingest: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        winCount = try arguments.int("--wins", range: 2...100_000) ?? 300
        keep = arguments.flag("--keep")
        ingest = arguments.flag("--ingest")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let walletsProgram = try DemoWallets.program(in: DemoWallets.ownDirectory)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jackpotd-demo-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }

        let simulated = try DemoWallets(program: walletsProgram)
        defer { simulated.stop() }
        let healthy = try simulated.wallet("healthy-casino")
        let flaky = try simulated.wallet("flaky-casino")
        let config = Self.config(database: directory + "/outbox.sqlite3", healthy: healthy, flaky: flaky)
        if keep { try Self.writeConfigFile(config, in: directory) }

        let outbox = try Outbox(path: directory + "/outbox.sqlite3")
        let wins = Self.sampleWins(count: winCount, now: WallClock.nowMilliseconds())
        _ = try outbox.enqueue(wins, operatorsChecked: true)
        context.output.line("jackpotd demo: \(wins.count) wins enqueued in \(directory)/outbox.sqlite3")
        context.output.line("  healthy-casino  \(healthy.url)  (JSON)")
        context.output.line("  flaky-casino    \(flaky.url)  (form; resets, lost answers, 503)")
        context.output.flush()

        // Info level: the log is what --keep leaves to read (starts, retries, circuits, deliveries).
        let logger = Logger(format: .logfmt, minimumLevel: .info, sink: FileLogSink(path: directory + "/daemon.log"))
        let service = DeliveryService(databasePath: outbox.path, config: config, logger: logger)
        let started = ContinuousClock.now
        let daemon = Task { try await service.run() }
        let listener = ingest ? try DemoIngest(config: config, databasePath: outbox.path, logger: logger) : nil
        let transport = listener.map { _ in CurlTransport(maximumConnectionsPerHost: 1) }
        defer { transport?.shutdown() }
        if let listener, let transport {
            context.output.line("jackpotd demo: one more win over HTTP, as a game platform sends it:")
            for line in await listener.post(transport) { context.output.line(line) }
            context.output.flush()
        }
        let expected = wins.count + (ingest ? 1 : 0)

        let terminal = isatty(STDOUT_FILENO) == 1
        var snapshot = try outbox.statusSnapshot(now: WallClock.nowMilliseconds())
        var lastPrinted = ContinuousClock.now - .seconds(10)
        while snapshot.total(.delivered) < expected, ContinuousClock.now - started < .seconds(120) {
            try await Task.sleep(for: .milliseconds(200))
            snapshot = try outbox.statusSnapshot(now: WallClock.nowMilliseconds())
            if terminal || ContinuousClock.now - lastPrinted >= .seconds(1) {
                lastPrinted = ContinuousClock.now
                let line = Self.progress(snapshot, books: try simulated.books())
                context.output.write(terminal ? "\r\u{1B}[2K" + line : line + "\n")
                context.output.flush()
            }
        }
        if terminal { context.output.line() }
        if let listener, let transport {
            context.output.line("jackpotd demo: the HTTP win, as the platform sees it now:")
            for line in await listener.status(transport) { context.output.line(line) }
            listener.server.stop(graceSeconds: 2)
        }
        service.requestStop()
        try await daemon.value
        let elapsed = ContinuousClock.now - started

        let books = try simulated.books()
        let summary = try DemoSummary(
            outbox: outbox, wins: expected, healthy: books["healthy-casino"] ?? DemoWallets.Books(),
            flaky: books["flaky-casino"] ?? DemoWallets.Books(), elapsed: elapsed)
        context.output.write(summary.text)
        if keep {
            context.output.line("kept \(directory): outbox.sqlite3, config.json, secrets/, daemon.log")
            context.output.line("  jackpotd status --config \(directory)/config.json")
        }
        return summary.allDeliveredOnce ? .success : .failure
    }

    static func config(database: String, healthy: DemoWallets.Wallet, flaky: DemoWallets.Wallet) -> JackpotConfig {
        func demoOperator(_ wallet: DemoWallets.Wallet) -> OperatorConfig {
            var config = OperatorConfig(name: wallet.name, url: wallet.url, secret: wallet.secret)
            config.allowInsecureHTTP = true
            config.timeoutSeconds = 2
            config.concurrency = 8
            config.retry.initialDelaySeconds = 0.2
            config.retry.maxDelaySeconds = 2
            config.circuit.failureThreshold = 20
            config.circuit.openSeconds = 0.5
            config.circuit.maxOpenSeconds = 2
            return config
        }
        var flakyConfig = demoOperator(flaky)
        flakyConfig.encoding = .form
        flakyConfig.amountDecimals = 2
        return JackpotConfig(
            database: database, providerId: "luckymonaco",
            operators: [
                healthy.name: demoOperator(healthy),
                flaky.name: flakyConfig,
            ])
    }

    /// The demo's config as a file `jackpotd --config` accepts, each secret in a 0600 file beside it.
    static func writeConfigFile(_ config: JackpotConfig, in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/secrets", withIntermediateDirectories: true)
        var operators = JSONObject()
        for name in config.operators.keys.sorted() {
            guard let op = config.operators[name] else { continue }
            let secretFile = directory + "/secrets/" + name
            guard
                FileManager.default.createFile(
                    atPath: secretFile, contents: Data((op.secret + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else { throw CommandFailure("cannot write \(secretFile)") }
            var object = JSONObject([
                "url": .string(op.url), "secretFile": .string(secretFile), "encoding": .string(op.encoding.rawValue),
                "allowInsecureHTTP": .bool(true), "timeoutSeconds": .number(String(Int(op.timeoutSeconds))),
                "concurrency": .number(String(op.concurrency)),
            ])
            if let decimals = op.amountDecimals { object["amountDecimals"] = .number(String(decimals)) }
            operators[name] = .object(object)
        }
        let document = JSONObject([
            "database": .string(config.database ?? directory + "/outbox.sqlite3"), "providerId": .string(config.providerId),
            "operators": .object(operators),
        ])
        let path = directory + "/config.json"
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((JSONWriter.serialize(.object(document)) + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else { throw CommandFailure("cannot write \(path)") }
    }

    static func sampleWins(count: Int, now: Int64) -> [NewWin] {
        (0..<count).map { index in
            let cents = 100 + (index * 7919) % 500_000
            let amount = try! DecimalAmount(validating: "\(cents / 100).\(String(format: "%02d", cents % 100))")
            let win = JackpotWin(
                operatorName: index % 3 == 2 ? "flaky-casino" : "healthy-casino",
                userId: String(1000 + index % 97), gameId: "Im_60_tumblefortune", roundId: String(5_103_188_801 + index),
                amount: amount, reference: String(format: "demo-%06d-%08x", index, UInt32.random(in: 0...UInt32.max)),
                timestamp: String(now), jackpotId: String(568 + index % 3),
                platform: index % 2 == 0 ? "desktop" : "mobile", token: "tok-\(index)")
            return NewWin(win)
        }
    }

    static func progress(_ snapshot: StatusSnapshot, books: [String: DemoWallets.Books]) -> String {
        ["healthy-casino", "flaky-casino"].map { name in
            let total = WinState.allCases.reduce(0) { $0 + snapshot.count($1, operator: name) }
            let requests = books[name]?.requests ?? 0
            return "\(name) \(snapshot.count(.delivered, operator: name))/\(total) delivered, \(requests) calls"
        }.joined(separator: "  |  ")
    }
}

/// The demo's closing report, read back from the outbox and the operators.
struct DemoSummary {
    let text: String
    let allDeliveredOnce: Bool

    init(outbox: Outbox, wins: Int, healthy: DemoWallets.Books, flaky: DemoWallets.Books, elapsed: Duration) throws {
        let database = outbox.database
        let delivered = try database.queryScalar("SELECT count(*) FROM wins WHERE state = 'delivered'").integerValue ?? 0
        let attempts = try database.queryScalar("SELECT count(*) FROM attempts").integerValue ?? 0
        let retried = try database.queryScalar("SELECT count(*) FROM wins WHERE attempts > 1").integerValue ?? 0
        let durations = try database.query("SELECT duration_ms FROM attempts ORDER BY duration_ms").compactMap {
            $0.double("duration_ms")
        }
        let latencies = try database.query(
            "SELECT delivered_at - created_at AS ms FROM wins WHERE state = 'delivered' ORDER BY ms"
        ).compactMap { $0.int64("ms") }
        func percentile<T>(_ values: [T], _ p: Double) -> T? {
            values.isEmpty ? nil : values[min(values.count - 1, Int(Double(values.count) * p))]
        }
        let credited = healthy.credited + flaky.credited
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var lines = [
            "",
            "delivered      \(delivered) of \(wins) in \(String(format: "%.1f", seconds)) s",
            "attempts       \(attempts) (\(attempts - delivered) retried calls; \(retried) wins needed more than one)",
            "call latency   p50 \(percentile(durations, 0.5).map { String(format: "%.1f", $0) } ?? "-") ms, p99 \(percentile(durations, 0.99).map { String(format: "%.1f", $0) } ?? "-") ms",
            "enqueue→credit p50 \(percentile(latencies, 0.5).map(String.init) ?? "-") ms, p99 \(percentile(latencies, 0.99).map(String.init) ?? "-") ms",
            "operators      credited \(credited) wins once each; answered \(healthy.duplicates + flaky.duplicates) repeats with the same transactionId; \(healthy.hashFailures + flaky.hashFailures) bad hashes",
        ]
        allDeliveredOnce = delivered == wins && credited == wins && healthy.hashFailures + flaky.hashFailures == 0
        lines.append(
            allDeliveredOnce
                ? "result         every win delivered and credited exactly once" : "result         NOT all wins were delivered")
        text = lines.joined(separator: "\n") + "\n"
    }
}

import JackpotConfiguration
import JackpotWire
struct CheckCommand: Command {
    static let name = "check"
    static let summary = "Validate the configuration and say what is wrong"
    static let synopsis = "check [--config FILE] [--db PATH] [--metrics-file PATH] [--replication] [--json]"
    static let discussion = """
        Reads the config (--config or $JACKPOTD_CONFIG), resolves every secret and
        checks every key. Then checks what `jackpotd run` needs from the machine, as
        the user running check: a "database" (or --db), its directory existing and
        writable, an existing outbox readable and writable, and with --metrics-file
        the metrics file's directory. Run it as the service user to check what the
        daemon will meet:
          sudo -u jackpotd jackpotd check --config /etc/jackpotd/config.json \\
            --metrics-file /var/lib/jackpotd/metrics/jackpotd.prom
        Prints each problem as "FILE: key.path: what is wrong", or a summary of the
        operators when all is well. Secrets are never printed; URL query values are
        masked.

        With --replication, also checks that Litestream can follow the outbox
        (--db, else the config's "database"): the outbox is in WAL mode, the config
        says "checkpoints": "litestream" (so jackpotd never races Litestream's
        checkpoints), and Litestream's state beside the outbox (.NAME-litestream)
        keeps up with the write-ahead log, i.e. Litestream is running on it.

        Exit status: 0 valid, 1 valid but Litestream cannot follow (--replication),
        2 invalid (`run` would exit 2 too, without a restart).
        """
    static let options: [OptionSpec] = [
        .value("--metrics-file", "PATH", help: "also check that run --metrics-file PATH can write there"),
        .flag("--replication", help: "also check that Litestream can follow the outbox"),
        .flag("--json", help: "print {\"ok\":…,\"problems\":[…],\"warnings\":[…]} (and \"replication\":{…})"),
    ]

    let json: Bool
    let replication: Bool
    let metricsFile: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        json = arguments.flag("--json")
        replication = arguments.flag("--replication")
        metricsFile = arguments.value("--metrics-file")
    }

    /// What `run` would stop on after a valid config: the same checks, as config problems.
    func environmentProblems(_ config: JackpotConfig, _ context: CommandContext) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if let database = context.databaseOverride ?? config.database {
            let key = context.databaseOverride == nil ? "database" : "--db"
            problems += FileAccess.outboxProblems(database).map { ConfigProblem(keyPath: key, message: $0) }
        } else {
            problems.append(
                ConfigProblem(
                    keyPath: "database",
                    message:
                        "missing: `jackpotd run` needs the outbox's path (e.g. \"/var/lib/jackpotd/outbox.sqlite3\") or --db PATH"
                ))
        }
        if let metricsFile {
            problems += FileAccess.metricsFileProblems(metricsFile).map { ConfigProblem(keyPath: "--metrics-file", message: $0) }
        }
        return problems
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        guard let path = context.resolvedConfigPath else {
            throw UsageError("no configuration: pass --config FILE or set JACKPOTD_CONFIG")
        }
        let loaded: LoadedConfig
        do throws(ConfigError) {
            loaded = try ConfigLoader.load(path: path, environment: context.environment)
            let problems = environmentProblems(loaded.config, context)
            guard problems.isEmpty else { throw ConfigError(path: path, problems: problems) }
        } catch {
            if json {
                context.output.line(
                    JSONWriter.serialize(
                        .object(
                            JSONObject([
                                "ok": .bool(false), "path": .string(path),
                                "problems": .array(
                                    error.problems.map {
                                        .object(JSONObject(["key": .string($0.keyPath), "message": .string($0.message)]))
                                    }),
                            ]))))
                return .usage
            }
            throw error
        }
        let following =
            replication
            ? ReplicationCheck(config: loaded.config, databasePath: try context.databasePath(config: loaded.config)) : nil
        if json {
            var object = JSONObject([
                "ok": .bool(following?.ok ?? true), "path": .string(path),
                "operators": .array(loaded.config.operators.keys.sorted().map { .string($0) }),
                "problems": .array([]), "warnings": .array(loaded.warnings.map { .string($0) }),
            ])
            if let following { object["replication"] = following.json() }
            context.output.line(JSONWriter.serialize(.object(object)))
        } else {
            for warning in loaded.warnings { context.errors.line("warning: \(warning)") }
            let count = loaded.config.operators.count
            context.output.line("\(path): ok, provider \(loaded.config.providerId), \(count) operator\(count == 1 ? "" : "s")")
            for line in loaded.summary() { context.output.line("  " + line) }
            if let following { context.output.write(following.text()) }
        }
        return following?.ok == false ? .failure : .success
    }
}

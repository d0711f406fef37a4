import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
struct CheckCommand: Command {
    static let name = "check"
    static let summary = "Validate the configuration and say what is wrong"
    static let synopsis = "check [--config FILE] [--replication] [--json]"
    static let discussion = """
        Reads the config (--config or $JACKPOTD_CONFIG), resolves every secret and
        checks every key. Prints each problem as "FILE: key.path: what is wrong", or a
        summary of the operators when all is well. Secrets are never printed; URL
        query values are masked.

        With --replication, also checks that Litestream can follow the outbox
        (--db, else the config's "database"): the outbox is in WAL mode, the config
        says "checkpoints": "litestream" (so jackpotd never races Litestream's
        checkpoints), and Litestream's state beside the outbox (.NAME-litestream)
        keeps up with the write-ahead log, i.e. Litestream is running on it.

        Exit status: 0 valid, 1 valid but Litestream cannot follow (--replication), 2 invalid.
        """
    static let options: [OptionSpec] = [
        .flag("--replication", help: "also check that Litestream can follow the outbox"),
        .flag("--json", help: "print {\"ok\":…,\"problems\":[…],\"warnings\":[…]} (and \"replication\":{…})"),
    ]

    let json: Bool
    let replication: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        json = arguments.flag("--json")
        replication = arguments.flag("--replication")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        guard let path = context.resolvedConfigPath else {
            throw UsageError("no configuration: pass --config FILE or set JACKPOTD_CONFIG")
        }
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(path: path, environment: context.environment)
        } catch {
            if json {
                context.output.line(JSONWriter.serialize(.object(JSONObject([
                    "ok": .bool(false), "path": .string(path),
                    "problems": .array(error.problems.map {
                        .object(JSONObject(["key": .string($0.keyPath), "message": .string($0.message)]))
                    }),
                ]))))
                return .usage
            }
            throw error
        }
        let following = replication
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

import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
struct CheckCommand: Command {
    static let name = "check"
    static let summary = "Validate the configuration and say what is wrong"
    static let synopsis = "check [--config FILE] [--json]"
    static let discussion = """
        Reads the config (--config or $JACKPOTD_CONFIG), resolves every secret and
        checks every key. Prints each problem as "FILE: key.path: what is wrong", or a
        summary of the operators when all is well. Secrets are never printed; URL
        query values are masked.

        Exit status: 0 valid, 2 invalid.
        """
    static let options: [OptionSpec] = [.flag("--json", help: "print {\"ok\":…,\"problems\":[…],\"warnings\":[…]}")]

    let json: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        guard let path = context.resolvedConfigPath else {
            throw UsageError("no configuration: pass --config FILE or set JACKPOTD_CONFIG")
        }
        do {
            let loaded = try ConfigLoader.load(path: path, environment: context.environment)
            if json {
                context.output.line(JSONWriter.serialize(.object(JSONObject([
                    "ok": .bool(true), "path": .string(path),
                    "operators": .array(loaded.config.operators.keys.sorted().map { .string($0) }),
                    "problems": .array([]), "warnings": .array(loaded.warnings.map { .string($0) }),
                ]))))
            } else {
                for warning in loaded.warnings { context.errors.line("warning: \(warning)") }
                let count = loaded.config.operators.count
                context.output.line("\(path): ok, provider \(loaded.config.providerId), \(count) operator\(count == 1 ? "" : "s")")
                for line in loaded.summary() { context.output.line("  " + line) }
            }
            return .success
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
    }
}

import Foundation
import JackpotStore
import JackpotWire

struct CancelCommand: Command {
    static let name = "cancel"
    static let summary = "Stop delivering wins, keeping the record and the reason"
    static let synopsis = "cancel REFERENCE… --reason TEXT"
    static let discussion = """
        Each named win that is pending, failed or being sent becomes cancelled, with
        the reason and time kept. A win in flight may still be credited by the
        operator; if its confirmation arrives it is recorded as delivered. A
        delivered win is never touched. `retry` undoes a cancel.

        Exit status: 0 all cancelled, 1 when a reference is unknown or delivered.
        """
    static let options: [OptionSpec] = [.value("--reason", "TEXT", help: "why (required; kept with the win)")]

    let references: [String]
    let reason: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        references = arguments.positionals
        guard !references.isEmpty else { throw UsageError("missing REFERENCE") }
        guard let reason = arguments.value("--reason"), !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw UsageError("--reason TEXT is required")
        }
        self.reason = reason
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outbox = try context.openOutbox()
        var failed = false
        for reference in references {
            switch try outbox.cancel(reference: reference, reason: reason, now: WallClock.nowMilliseconds(), by: context.actor) {
            case .changed: context.output.line("\(HumanText.escaped(reference)): cancelled")
            case .notFound:
                context.errors.line(
                    "jackpotd cancel: error: " + HumanText.escaped(try PurgedWinText.notFound(reference, in: outbox)))
                failed = true
            case .refused(let state):
                context.errors.line("jackpotd cancel: error: \(HumanText.escaped(reference)) is already \(state.rawValue)")
                failed = true
            }
        }
        return failed ? .failure : .success
    }
}

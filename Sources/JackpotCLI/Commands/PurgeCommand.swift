import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
struct PurgeCommand: Command {
    static let name = "purge"
    static let summary = "Delete delivered wins (and their attempts) older than N days"
    static let synopsis = "purge --delivered-older-than DAYS [--json]"
    static let discussion = """
        Retention: removes wins delivered more than DAYS ago (fractions allowed; 0
        removes every delivered win) together with their attempt log. Pending,
        failed and cancelled wins are never purged. Export first if you need the
        records for reconciliation.
        """
    static let options: [OptionSpec] = [
        .value("--delivered-older-than", "DAYS", help: "age of delivery in days (required)"),
        .flag("--json", help: "print {\"purged\": N}"),
    ]

    let days: Double
    let json: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        guard let days = try arguments.nonNegativeNumber("--delivered-older-than") else {
            throw UsageError("--delivered-older-than DAYS is required")
        }
        self.days = days
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outbox = try context.openOutbox()
        let now = WallClock.nowMilliseconds()
        // 0 days means every delivered win, including one delivered this millisecond.
        let cutoff = days == 0 ? Int64.max : now - Int64(days * 86_400_000)
        let count = try outbox.purgeDelivered(before: cutoff)
        if json {
            context.output.line("{\"purged\":\(count)}")
        } else {
            context.output.line("purged \(count) delivered win\(count == 1 ? "" : "s") with their attempts")
        }
        return .success
    }
}

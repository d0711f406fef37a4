import JackpotStore
import JackpotWire
struct PurgeCommand: Command {
    static let name = "purge"
    static let summary = "Delete delivered wins (and their attempts) older than an age"
    static let synopsis = "purge --delivered-older-than AGE [--dry-run] [--reason TEXT] [--json]"
    static let discussion = """
        Retention: removes wins delivered more than AGE ago together with their
        attempt log. AGE is a number of days (fractions allowed; 0 removes every
        delivered win) or a duration as in `list --since`: 90s, 15m, 2h, 30d. Pending,
        failed and cancelled wins are never purged. Export first if you need the
        records for reconciliation. --dry-run only counts. Each purge is one entry
        in the ops trail (who, when, how many).

        Example:
          jackpotd purge --delivered-older-than 30d --dry-run
        """
    static let options: [OptionSpec] = [
        .value("--delivered-older-than", "AGE", help: "age of delivery: days (30) or a duration (30d, 12h) (required)"),
        .flag("--dry-run", help: "count the wins that would be purged, delete nothing"),
        .value("--reason", "TEXT", help: "why, kept in the ops trail"),
        .flag("--json", help: "print {\"purged\": N} (or {\"wouldPurge\": N} with --dry-run)"),
    ]

    let ageMilliseconds: Int64
    let dryRun: Bool
    let reason: String?
    let json: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        let name = "--delivered-older-than"
        guard let text = arguments.value(name) else { throw UsageError("\(name) AGE is required") }
        // A bare number stays days, as before; a unit makes it a duration.
        if let last = text.last, "smhd".contains(last) {
            ageMilliseconds = Int64(try arguments.duration(name)! * 1000)
        } else {
            guard let days = try arguments.nonNegativeNumber(name) else { throw UsageError("\(name) AGE is required") }
            ageMilliseconds = Int64(days * 86_400_000)
        }
        dryRun = arguments.flag("--dry-run")
        reason = arguments.value("--reason")
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let outbox = try context.openOutbox()
        let now = WallClock.nowMilliseconds()
        // 0 means every delivered win, including one delivered this millisecond.
        let cutoff = ageMilliseconds == 0 ? Int64.max : now - ageMilliseconds
        let plural = { (count: Int) in count == 1 ? "" : "s" }
        if dryRun {
            let count = try outbox.countDelivered(before: cutoff)
            if json {
                context.output.line("{\"wouldPurge\":\(count)}")
            } else {
                context.output.line(
                    "would purge \(count) delivered win\(plural(count)) with their attempts (dry run: nothing deleted)")
            }
            return .success
        }
        let count = try outbox.purgeDelivered(before: cutoff, now: now, by: context.actor, reason: reason)
        if json {
            context.output.line("{\"purged\":\(count)}")
        } else {
            context.output.line("purged \(count) delivered win\(plural(count)) with their attempts")
        }
        return .success
    }
}

import JackpotConfiguration
import JackpotStore
import JackpotWire

struct TakeoverCommand: Command {
    static let name = "takeover"
    static let summary = "Release the leases of a lost host's daemon (failover to a standby)"
    static let synopsis = "takeover --host HOST [--reason TEXT] [--wait] [--json]"
    static let discussion = """
        An outbox restored from a replica onto a standby host still holds the
        `sending` leases of the daemon that ran on the lost host. A daemon on
        another host cannot know that one is dead, so those wins would wait for
        their leases to expire (the operator's timeout × 3 + 30 s). takeover hands
        them back to pending, due now: the daemon sends them again, and the
        operator credits each reference once. It also forgets that host's
        heartbeats (`status` stops listing them) and records who did it, when and
        why in the ops trail, in the same transaction.

        HOST is the host name `status` shows in its Daemons table. Refused while
        any daemon of HOST wrote its heartbeat within its silence limit (five
        beats, at least 15 s): it may still be sending. --wait waits out that
        limit, then tries once more (a heartbeat written meanwhile means the
        daemon is alive: refused). Run it only once HOST is known to be down.

        Example (on the standby, after `litestream restore`):
          jackpotd takeover --host jackpotd-a --reason "jackpotd-a lost, failover" --wait

        Exit status: 0 taken over, 1 refused or nothing of HOST in the outbox.
        """
    static let options: [OptionSpec] = [
        .value("--host", "HOST", help: "the lost host, as `status` names it"),
        .value("--reason", "TEXT", help: "why, kept in the ops trail"),
        .flag("--wait", help: "wait until HOST's heartbeat is old enough instead of refusing"),
        .flag("--json", help: "print {\"host\":…,\"released\":[…],\"leaseOwners\":[…],\"daemons\":[…]}"),
    ]

    let host: String
    let reason: String?
    let wait: Bool
    let json: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        try arguments.requirePositionals(0...0, what: "")
        guard let host = arguments.value("--host"), !host.isEmpty else {
            throw UsageError("missing --host HOST (the lost host, as status names it)")
        }
        self.host = host
        reason = arguments.value("--reason")
        wait = arguments.flag("--wait")
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> ExitCode {
        let config = try context.loadConfigIfNamed()?.config
        let path = try context.databasePath(config: config)
        let outbox = try CommandContext.openExistingOutbox(at: path, checkpoints: config?.checkpoints ?? .sqlite)
        let takeover: Takeover
        do {
            takeover = try outbox.takeOver(host: host, now: WallClock.nowMilliseconds(), actor: context.actor, reason: reason)
        } catch let refused as TakeoverRefused where wait {
            // Never longer than one silence limit: a heartbeat stamped in the future
            // (another host's clock) is not waited for.
            let delay = min(refused.staleAt - refused.now, refused.heartbeat.silenceLimitMilliseconds) + 100
            context.errors.line(
                "jackpotd takeover: waiting \((delay + 999) / 1000) s for \(refused.heartbeat.owner)'s heartbeat to go stale")
            context.errors.flush()
            try await Task.sleep(for: .milliseconds(max(0, delay)))
            takeover = try Self.takeOver(outbox, host: host, actor: context.actor, reason: reason)
        } catch let refused as TakeoverRefused {
            throw CommandFailure(refused.description)
        }
        guard !takeover.daemons.isEmpty || !takeover.leaseOwners.isEmpty else {
            let hosts = Set(try outbox.heartbeats().map(\.host))
                .union(try outbox.sendingByOwner().keys.compactMap(Outbox.host(ofLeaseOwner:)))
            throw CommandFailure(
                "no daemon heartbeat and no lease of host \(host) in \(path); nothing to take over"
                    + (hosts.isEmpty ? "" : " (hosts in this outbox: \(hosts.sorted().joined(separator: ", ")))"))
        }
        if json {
            context.output.line(
                JSONWriter.serialize(
                    .object(
                        JSONObject([
                            "host": .string(host),
                            "released": .array(takeover.released.map { .string($0) }),
                            "leaseOwners": .array(takeover.leaseOwners.map { .string($0) }),
                            "daemons": .array(takeover.daemons.map { .string($0.owner) }),
                        ]))))
        } else {
            let count = takeover.released.count
            context.output.line(
                HumanText.escaped(
                    "took over host \(host): \(count) win\(count == 1 ? "" : "s") back to pending, due now"
                        + (takeover.leaseOwners.isEmpty ? "" : " (leases of \(takeover.leaseOwners.joined(separator: ", ")))")
                        + "; recorded in the ops trail"))
        }
        return .success
    }

    private static func takeOver(_ outbox: Outbox, host: String, actor: String, reason: String?) throws -> Takeover {
        do {
            return try outbox.takeOver(host: host, now: WallClock.nowMilliseconds(), actor: actor, reason: reason)
        } catch let refused as TakeoverRefused {
            throw CommandFailure(refused.description)
        }
    }
}

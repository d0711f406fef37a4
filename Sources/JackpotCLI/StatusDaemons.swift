import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// What `status` adds beside the counts: which daemons are alive, which
/// vanished (and still hold leases), and how the outbox's operators compare
/// with the config. `sending 12` alone cannot tell a busy daemon from a dead one.
struct StatusDaemons {
    struct Daemon {
        var heartbeat: DaemonHeartbeat
        /// Why it is taken for gone; nil while alive.
        var vanished: String?
        var sending: Int
    }

    var daemons: [Daemon]
    /// Lease owners of `sending` wins with no heartbeat at all (e.g. a row leased by hand).
    var unknownHolders: [String: Int]
    /// Configured, but no win or runtime row yet: listed with zeros.
    var configuredWithoutWins: [String]
    /// In the outbox, not in the config: its pending wins are never sent.
    var notConfigured: [String]
    /// The latest takeovers of a lost host's leases (`jackpotd takeover`), newest first.
    var takeovers: [OpsAction]

    /// `configured`: the config's operator names; nil without a config (`--db` alone).
    init(outbox: Outbox, snapshot: StatusSnapshot, configured: Set<String>?, now: Int64) throws {
        let sending = try outbox.sendingByOwner()
        let observer = LeaseOwner.current()
        daemons = try outbox.heartbeats().map { heartbeat in
            var vanished: String?
            if observer.knowsDead(heartbeat.owner) {
                vanished = "process \(heartbeat.pid) is gone"
            } else if now - heartbeat.lastSeenAt > heartbeat.silenceLimitMilliseconds {
                vanished = "not seen for \(TimeFormat.age(now - heartbeat.lastSeenAt))"
            }
            return Daemon(heartbeat: heartbeat, vanished: vanished, sending: sending[heartbeat.owner] ?? 0)
        }
        let known = Set(daemons.map(\.heartbeat.owner))
        unknownHolders = sending.filter { !known.contains($0.key) }
        let inOutbox = Set(snapshot.operatorNames)
        configuredWithoutWins = configured?.subtracting(inOutbox).sorted() ?? []
        notConfigured = configured.map { inOutbox.subtracting($0).sorted() } ?? []
        takeovers = try outbox.recentOpsActions(kind: .takeover, limit: 3)
    }

    /// The snapshot with every configured operator in it, so one with no wins yet shows as a row of zeros.
    func including(_ snapshot: StatusSnapshot) -> StatusSnapshot {
        var snapshot = snapshot
        snapshot.counts += configuredWithoutWins.map { StatusSnapshot.Count(operatorName: $0, state: .pending, count: 0) }
        return snapshot
    }

    func text(now: Int64) -> String {
        var text = "\n"
        if daemons.isEmpty {
            text += "Daemons: none running on this outbox\n"
        } else {
            text += "Daemons:\n"
            var table = TextTable(["", "host", "pid", "started", "last seen", "sending"])
            for daemon in daemons {
                let beat = daemon.heartbeat
                table.add([
                    daemon.vanished == nil ? "live" : "VANISHED", beat.host, String(beat.pid),
                    TimeFormat.timestamp(beat.startedAt),
                    TimeFormat.age(now - beat.lastSeenAt) + " ago"
                        + (daemon.vanished.map { " (\($0))" } ?? ""),
                    String(daemon.sending),
                ])
            }
            text += table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        for daemon in daemons where daemon.vanished != nil && daemon.sending > 0 {
            text +=
                "  ! \(daemon.sending) sending win\(daemon.sending == 1 ? " is" : "s are") leased to vanished daemon "
                + "\(daemon.heartbeat.owner); sent again when the lease expires, at once by a daemon started on its host, "
                + "or now by `jackpotd takeover --host \(daemon.heartbeat.host)` if that host is gone\n"
        }
        for (owner, count) in unknownHolders.sorted(by: { $0.key < $1.key }) {
            text += "  ! \(count) sending win\(count == 1 ? " is" : "s are") leased to \(owner), which has no heartbeat\n"
        }
        for takeover in takeovers {
            text +=
                HumanText.escaped(
                    "Taken over: \(takeover.detail ?? "") at \(TimeFormat.timestamp(takeover.at)) by \(takeover.actor)"
                        + (takeover.reason.map { " (\($0))" } ?? "")) + "\n"
        }
        if !notConfigured.isEmpty {
            text +=
                "Not in the config (their wins are not sent by a daemon with this config): "
                + notConfigured.joined(separator: ", ") + "\n"
        }
        return text
    }

    func json(now: Int64) -> JSONObject {
        var object = JSONObject([
            "daemons": .array(
                daemons.map { daemon in
                    let beat = daemon.heartbeat
                    return .object(
                        JSONObject([
                            "owner": .string(beat.owner), "host": .string(beat.host), "pid": .number(String(beat.pid)),
                            "startedAt": WinPresentation.jsonTime(beat.startedAt),
                            "lastSeenAt": WinPresentation.jsonTime(beat.lastSeenAt),
                            "live": .bool(daemon.vanished == nil), "vanishedBecause": WinPresentation.jsonText(daemon.vanished),
                            "sending": .number(String(daemon.sending)),
                        ]))
                }),
            "leasesWithoutHeartbeat": .object(
                JSONObject(
                    unknownHolders.sorted { $0.key < $1.key }.map {
                        ($0.key, JSONValue.number(String($0.value)))
                    })),
            "operatorsNotConfigured": .array(notConfigured.map { .string($0) }),
        ])
        // Only when there were any, so an outbox that never failed over prints what it always did.
        if !takeovers.isEmpty { object["takeovers"] = WinPresentation.opsTrailJSON(takeovers) }
        return object
    }
}

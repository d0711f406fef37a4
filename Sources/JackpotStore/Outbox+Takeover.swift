/// What `takeOver(host:…)` did: the wins it handed back to `pending`, whose
/// leases they were, and the heartbeats of that host it forgot.
package struct Takeover: Sendable, Hashable {
    package var host: String
    package var released: [String]
    package var leaseOwners: [String]
    package var daemons: [DaemonHeartbeat]
}

/// A takeover that must not happen now: a daemon of that host wrote its
/// heartbeat less than its silence limit ago, so it may still be sending.
package struct TakeoverRefused: Error, Sendable, CustomStringConvertible {
    package var heartbeat: DaemonHeartbeat
    package var now: Int64

    /// When this heartbeat stops counting as fresh.
    package var staleAt: Int64 { heartbeat.lastSeenAt + heartbeat.silenceLimitMilliseconds }

    package var description: String {
        let age = max(0, now - heartbeat.lastSeenAt) / 1000
        return "daemon \(heartbeat.owner) of host \(heartbeat.host) wrote its heartbeat \(age) s ago: it may still be "
            + "sending; its leases can be taken over once it has been silent for \(heartbeat.silenceLimitMilliseconds / 1000) s "
            + "(in \(max(0, staleAt - now + 999) / 1000) s; --wait waits for that)"
    }
}

extension Outbox {
    /// Releases every `sending` lease held by a daemon of `host` (a host that is
    /// gone, e.g. the primary whose replica this outbox was restored from): the
    /// wins become `pending`, due now, and are sent again (operators credit once
    /// per reference). Forgets that host's heartbeats and records the takeover
    /// in the ops trail, all in one transaction.
    ///
    /// - Throws: `TakeoverRefused` while any daemon of `host` has a fresh
    ///   heartbeat: a live daemon's calls may still be in flight.
    package func takeOver(host: String, now: Int64, actor: String, reason: String?) throws -> Takeover {
        try database.transaction {
            let daemons = try heartbeats().filter { $0.host == host }
            if let fresh = daemons.filter({ now - $0.lastSeenAt <= $0.silenceLimitMilliseconds })
                .max(by: { $0.lastSeenAt < $1.lastSeenAt })
            {
                throw TakeoverRefused(heartbeat: fresh, now: now)
            }
            let owners = try database.query("SELECT DISTINCT lease_owner FROM wins WHERE state = 'sending'")
                .compactMap { $0.string("lease_owner") }
                .filter { Self.host(ofLeaseOwner: $0) == host }
                .sorted()
            var released: [String] = []
            for owner in owners {
                released += try database.query(
                    """
                    UPDATE wins SET state = 'pending', next_attempt_at = ?1, updated_at = ?1, lease_owner = NULL,
                        lease_expires_at = NULL, last_error = 'lease of ' || ?2 || ' taken over (host ' || ?3 || ' gone); sending again'
                    WHERE state = 'sending' AND lease_owner = ?2 RETURNING reference
                    """,
                    [.integer(now), .text(owner), .text(host)]
                ).compactMap { $0.string("reference") }
            }
            try database.execute("DELETE FROM daemons WHERE host = ?", [.text(host)])
            let takeover = Takeover(host: host, released: released.sorted(), leaseOwners: owners, daemons: daemons)
            if !daemons.isEmpty || !owners.isEmpty {
                try record(OpsAction(at: now, actor: actor, kind: .takeover, reason: reason, detail: takeover.detail))
            }
            return takeover
        }
    }

    /// The host part of a lease owner: `host:pid:nonce:bootId:pidNamespace`, or
    /// `host:pid:nonce` as older daemons wrote it. Nil for anything else.
    package static func host(ofLeaseOwner owner: String) -> String? {
        let parts = owner.split(separator: ":", omittingEmptySubsequences: false)
        for suffix in [4, 2] where parts.count > suffix && Int32(parts[parts.count - suffix]) != nil {
            return parts.dropLast(suffix).joined(separator: ":")
        }
        return nil
    }
}

extension Takeover {
    /// The ops trail's detail: `host jackpotd-a: 3 wins released (leases of …)`.
    package var detail: String {
        var text = "host \(host): \(released.count) win\(released.count == 1 ? "" : "s") released"
        if !leaseOwners.isEmpty { text += " (leases of \(leaseOwners.joined(separator: ", ")))" }
        return text
    }
}

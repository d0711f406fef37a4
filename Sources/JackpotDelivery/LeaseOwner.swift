import Foundation

/// Who holds a lease: `host:pid:nonce:bootId:pidNamespace`. They let a daemon
/// starting on the same machine see that the previous holder is dead (`kill -9`)
/// and send its wins again at once, instead of waiting for the lease to expire.
///
/// A pid means something only within one boot and one pid namespace: two
/// containers sharing a hostname (host networking) and the volume each see the
/// other's pid as "gone". So a holder is presumed dead only when all three
/// match ours and its pid does not exist; otherwise its lease must expire.
package struct LeaseOwner: Sendable, Hashable, CustomStringConvertible {
    package let host: String
    package let pid: Int32
    package let nonce: String
    package let bootId: String
    package let pidNamespace: String

    package init(
        host: String, pid: Int32, nonce: String,
        bootId: String = LeaseOwner.currentBootId(), pidNamespace: String = LeaseOwner.currentPidNamespace()
    ) {
        self.host = host
        self.pid = pid
        self.nonce = nonce
        self.bootId = bootId
        self.pidNamespace = pidNamespace
    }

    /// This process, on `host` (default: the kernel's host name). `jackpotd run`
    /// takes `$JACKPOTD_HOST` when set: a stable name for a host whose kernel
    /// name changes (containers), and the name `takeover --host` is given.
    package static func current(host: String? = nil) -> LeaseOwner {
        LeaseOwner(
            host: host ?? hostName(),
            pid: getpid(),
            nonce: String(UInt32.random(in: 0...UInt32.max), radix: 36))
    }

    /// gethostname(2) directly: Foundation's hostName may try a DNS lookup, and
    /// a daemon must start on a host whose resolver is down.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Where a service manager hands the boot id in, for sandboxes that hide
    /// `/proc/sys` (systemd's `ProcSubset=pid`): `Environment=JACKPOTD_BOOT_ID=%b`.
    package static let bootIdVariable = "JACKPOTD_BOOT_ID"

    /// The kernel's id of this boot: `JACKPOTD_BOOT_ID` when set, else
    /// `/proc/sys/kernel/random/boot_id`; "-" when neither is readable (then
    /// nobody is presumed dead). systemd's `%b` is the same 128 bits without
    /// dashes; it is written with them, as the kernel does, so every process on
    /// the host (a CLI reading `/proc`, a daemon under systemd) names the boot alike.
    package static func currentBootId(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        readFile: (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) }
    ) -> String {
        let given = environment[bootIdVariable].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        let text = given.isEmpty ? (readFile("/proc/sys/kernel/random/boot_id") ?? "") : given
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if id.count == 32, id.allSatisfy(\.isHexDigit) {
            let digits = Array(id)
            return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
        }
        return id.isEmpty || id.contains(":") ? "-" : id
    }

    /// The inode of this process's pid namespace (`pid:[4026531836]` → `4026531836`); "-" when unreadable.
    package static func currentPidNamespace() -> String {
        guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid") else { return "-" }
        let digits = link.filter(\.isNumber)
        return digits.isEmpty ? "-" : digits
    }

    package var description: String { "\(host):\(pid):\(nonce):\(bootId):\(pidNamespace)" }

    /// True only when `owner` names a process of this boot and pid namespace on this host that no longer exists.
    package func knowsDead(_ owner: String) -> Bool {
        presumesDead(owner) { pid in kill(pid, 0) != 0 && errno == ESRCH }
    }

    /// The liveness decision itself, with the process check given (for tests).
    /// Unknown formats (including the `host:pid:nonce` of older daemons), other
    /// hosts, boots or pid namespaces, and unreadable ids are never presumed dead.
    package func presumesDead(_ owner: String, processIsGone: (Int32) -> Bool) -> Bool {
        let parts = owner.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 5, let pid = Int32(parts[parts.count - 4]), pid > 0 else { return false }
        let ownerHost = parts.dropLast(4).joined(separator: ":")
        let ownerBoot = String(parts[parts.count - 2])
        let ownerNamespace = String(parts[parts.count - 1])
        guard owner != description, ownerHost == host,
            bootId != "-", ownerBoot == bootId,
            pidNamespace != "-", ownerNamespace == pidNamespace
        else { return false }
        return processIsGone(pid)
    }
}

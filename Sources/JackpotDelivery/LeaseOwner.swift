import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// Who holds a lease: `host:pid:nonce`. The host and pid let a daemon starting
/// on the same machine see that the previous holder is dead (`kill -9`) and send
/// its wins again at once, instead of waiting for the lease to expire.
package struct LeaseOwner: Sendable, Hashable, CustomStringConvertible {
    package let host: String
    package let pid: Int32
    package let nonce: String

    package init(host: String, pid: Int32, nonce: String) {
        self.host = host
        self.pid = pid
        self.nonce = nonce
    }

    package static func current() -> LeaseOwner {
        LeaseOwner(
            host: hostName(),
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

    package var description: String { "\(host):\(pid):\(nonce)" }

    /// True only when `owner` names a process on this host that no longer exists.
    /// Unknown formats and other hosts are never presumed dead: their leases expire.
    package func knowsDead(_ owner: String) -> Bool {
        let parts = owner.split(separator: ":")
        guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]) else { return false }
        let ownerHost = parts.dropLast(2).joined(separator: ":")
        guard ownerHost == host, owner != description else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

import Foundation
import Testing
import TestSupport
import JackpotDelivery
import JackpotStore
import JackpotWire
import OperatorSimulator

/// A lease is taken from its holder before expiry only when the holder is
/// provably dead: same host, same boot, same pid namespace, and its pid gone.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct LeaseLivenessTests {
    static let me = LeaseOwner(host: "box", pid: 100, nonce: "me", bootId: "boot-1", pidNamespace: "4026531836")
    static let gone: @Sendable (Int32) -> Bool = { _ in true }

    @Test func onlyAHolderOfThisBootAndPidNamespaceWithItsPidGoneIsPresumedDead() {
        #expect(Self.me.presumesDead("box:200:x:boot-1:4026531836", processIsGone: Self.gone))
        // Its pid still exists.
        #expect(!Self.me.presumesDead("box:200:x:boot-1:4026531836", processIsGone: { _ in false }))
        // One hostname, two containers: another pid namespace, or another boot, proves nothing.
        #expect(!Self.me.presumesDead("box:200:x:boot-1:4026532179", processIsGone: Self.gone))
        #expect(!Self.me.presumesDead("box:200:x:boot-2:4026531836", processIsGone: Self.gone))
        #expect(!Self.me.presumesDead("other:200:x:boot-1:4026531836", processIsGone: Self.gone))
        // Older daemons' `host:pid:nonce` and garbage wait for expiry.
        #expect(!Self.me.presumesDead("box:200:x", processIsGone: Self.gone))
        #expect(!Self.me.presumesDead("box:abc:x:boot-1:4026531836", processIsGone: Self.gone))
        #expect(!Self.me.presumesDead(Self.me.description, processIsGone: Self.gone))
        // Ids that could not be read never match.
        let blind = LeaseOwner(host: "box", pid: 100, nonce: "me", bootId: "-", pidNamespace: "-")
        #expect(!blind.presumesDead("box:200:x:-:-", processIsGone: Self.gone))
        // A host name with colons still parses.
        let v6 = LeaseOwner(host: "fe80::1", pid: 100, nonce: "me", bootId: "boot-1", pidNamespace: "7")
        #expect(v6.presumesDead("fe80::1:200:x:boot-1:7", processIsGone: Self.gone))
    }

    @Test func theCurrentProcessNamesItsBootAndPidNamespace() throws {
        let owner = LeaseOwner.current()
        #expect(owner.bootId.count == 36, "\(owner.bootId)")
        #expect(UInt64(owner.pidNamespace) != nil, "\(owner.pidNamespace)")
        #expect(owner.description.hasSuffix(":\(owner.bootId):\(owner.pidNamespace)"))
    }

    /// Under systemd's `ProcSubset=pid` the file is hidden and the unit hands `%b`
    /// in: the same boot, written without dashes, must come out as the kernel writes it.
    @Test func theBootIdHandedInBySystemdNamesTheSameBootAsTheKernelFile() throws {
        let kernel = LeaseOwner.currentBootId(environment: [:])
        try #require(kernel.count == 36, "\(kernel)")
        let specifier = kernel.replacingOccurrences(of: "-", with: "")
        let hidden: (String) -> String? = { _ in nil }
        #expect(LeaseOwner.currentBootId(environment: [LeaseOwner.bootIdVariable: specifier], readFile: hidden) == kernel)
        #expect(LeaseOwner.currentBootId(environment: [LeaseOwner.bootIdVariable: specifier.uppercased() + "\n"]) == kernel)
        #expect(LeaseOwner.currentBootId(environment: [:], readFile: hidden) == "-")
        #expect(LeaseOwner.currentBootId(environment: [LeaseOwner.bootIdVariable: "a:b"]) == "-")
    }

    static let unshare = "/usr/bin/unshare"
    /// Creating a pid namespace needs CAP_SYS_ADMIN (or user namespaces); containers often forbid it.
    static let canUnshare: Bool = {
        guard FileManager.default.isExecutableFile(atPath: unshare) else { return false }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: unshare)
        probe.arguments = ["--pid", "--fork", "--mount-proc", "/bin/true"]
        probe.standardError = FileHandle.nullDevice
        probe.standardOutput = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    /// Two daemons share the hostname, not the pid namespace. The one in the new
    /// namespace cannot see this test process, which holds a lease: it must not
    /// take that lease (and call the operator a second time) before it expires.
    @Test(.enabled(if: canUnshare, "skipped: `unshare --pid --fork --mount-proc` is not permitted on this machine"))
    func aDaemonInAnotherPidNamespaceLeavesALiveHoldersLeaseAlone() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "ns-secret")
        defer { wallet.stop() }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: "ns-secret", extra: fastDelivery())
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let now = WallClock.nowMilliseconds()
        try probe.enqueue(["held"], operator: "casino-a", now: now - 1000)
        try probe.enqueue(["probe"], operator: "casino-a", now: now)
        // This process holds "held", as a daemon in the host's pid namespace would mid-call.
        let holder = LeaseOwner.current()
        let outbox = try Outbox(path: probe.path)
        let claimed = try outbox.claim(
            operator: "casino-a", limit: 1, owner: holder.description, leaseExpiresAt: now + 3_600_000, now: now)
        try #require(claimed.map(\.reference) == ["held"])

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.unshare)
        process.arguments = [
            "--pid", "--fork", "--mount-proc", "--kill-child", DaemonProcess.binary.path, "run", "--config", config,
        ]
        let logPath = directory.path("daemon.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // Its first loop pass recovers leases before it claims, so once "probe" is
        // delivered the daemon has judged the lease on "held" at least once.
        let delivered = try await eventually(within: 60) { try probe.win("probe")?.state == .delivered }
        // The daemon is pid 1 of its namespace, which ignores SIGTERM from outside; `--kill-child`
        // passes unshare's death on as SIGKILL (a crash, which the outbox is built for).
        kill(process.processIdentifier, SIGKILL)
        _ = await eventually(within: 30) { !process.isRunning }
        #expect(delivered, "daemon log: \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")

        let daemon = try #require(try probe.attempts("probe").first?.daemon)
        #expect(!daemon.hasSuffix(":\(holder.pidNamespace)"), "the daemon ran in its own pid namespace: \(daemon)")
        let held = try #require(try probe.win("held"))
        #expect(held.state == .sending)
        #expect(held.leaseOwner == holder.description)
        #expect(wallet.credit(for: "held") == nil)
        #expect(wallet.snapshot.requests == 1)
    }
}

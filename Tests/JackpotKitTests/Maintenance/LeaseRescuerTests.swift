import Foundation
import Testing
import TestSupport
import JackpotDelivery
import JackpotStore

/// Leases that ran out, and leases of daemons on this host known dead, go back
/// to `pending`, due now; live leases stay.
@Suite(.timeLimit(.minutes(2))) struct LeaseRescuerTests {
    /// This daemon, with a boot and pid namespace of its own naming, so that
    /// another owner can be made to look like a dead process of this host.
    static let me = LeaseOwner(host: "rescue-host", pid: getpid(), nonce: "me", bootId: "boot-1", pidNamespace: "ns-1")

    static func lease(_ fixture: MaintenanceFixture, limit: Int, owner: String, expiresAt: Int64) throws -> [String] {
        try fixture.withOutbox { outbox in
            try outbox.claim(operator: "casino-a", limit: limit, owner: owner, leaseExpiresAt: expiresAt, now: fixture.clock.now)
                .map(\.reference)
        }
    }

    @Test func anExpiredLeaseGoesBackToPendingDueNowAndALiveOneStays() async throws {
        let fixture = try await MaintenanceFixture(owner: Self.me)
        let start = fixture.clock.now
        try fixture.probe.enqueue(["r-1", "r-2", "r-3"], operator: "casino-a", now: start)
        // Another host's daemon: its leases can only expire.
        let leased = try Self.lease(fixture, limit: 2, owner: "far-host:77:x:boot-9:ns-9", expiresAt: start + 60_000)
        let rescuer = LeaseRescuer(dispatcher: fixture.dispatcher)

        fixture.clock.set(start + 60_000)
        let early = try await rescuer.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(early.rescued.isEmpty)
        #expect(!early.wakesLoop)
        #expect(try fixture.probe.count(.sending) == 2)

        fixture.clock.set(start + 60_001)
        let due = try await rescuer.runOnce(on: fixture.store, now: fixture.clock.now)
        #expect(due.rescued.sorted() == leased.sorted())
        #expect(due.wakesLoop)
        for reference in leased {
            let win = try #require(try fixture.probe.win(reference))
            #expect(win.state == .pending)
            #expect(win.nextAttemptAt == start + 60_001)
            #expect(win.leaseOwner == nil)
        }
        #expect(try fixture.probe.count(.pending) == 3)
        #expect(fixture.logged("leases_recovered", "count=2"))
    }

    @Test func aDeadDaemonOnThisHostIsRescuedBeforeItsLeaseExpires() async throws {
        let fixture = try await MaintenanceFixture(owner: Self.me)
        let start = fixture.clock.now
        try fixture.probe.enqueue(["d-1", "d-2"], operator: "casino-a", now: start)
        // Same host, boot and pid namespace; no process has this pid.
        let dead = LeaseOwner(host: "rescue-host", pid: Int32.max, nonce: "gone", bootId: "boot-1", pidNamespace: "ns-1")
        let alive = LeaseOwner(host: "rescue-host", pid: getpid(), nonce: "alive", bootId: "boot-1", pidNamespace: "ns-1")
        let deadLeases = try Self.lease(fixture, limit: 1, owner: dead.description, expiresAt: start + 3_600_000)
        let liveLeases = try Self.lease(fixture, limit: 1, owner: alive.description, expiresAt: start + 3_600_000)

        let pass = try await LeaseRescuer(dispatcher: fixture.dispatcher).runOnce(on: fixture.store, now: start + 1)
        #expect(pass.rescued == deadLeases)
        #expect(try fixture.probe.win(deadLeases[0])?.state == .pending)
        #expect(try fixture.probe.win(liveLeases[0])?.state == .sending)
        #expect(try fixture.probe.win(liveLeases[0])?.leaseOwner == alive.description)
    }
}

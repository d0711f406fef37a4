import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// `retry --operator O --since TIME [--until TIME]`: exactly the wins enqueued
/// in the window, with a dry run first; the duplicate-window guard looks at
/// the same wins.
@Suite(.timeLimit(.minutes(3)), .oneTestPerCore) struct RetrySinceTests {
    /// Nine failed wins of casino-a, enqueued 5 h (early-*), 3 h (in-*) and 1 h (late-*) ago.
    static func failedAcrossHours() async throws -> (OpsFixture, now: Int64) {
        let fixture = try OpsFixture()
        let groups = ["early": 5.0, "in": 3.0, "late": 1.0]
        try await fixture.enqueue(
            groups.keys.flatMap { group in (1...3).map { winLine("\(group)-\($0)", operator: "casino-a") } })
        fixture.wallet("casino-a").setFaultPlan { _ in .errorCode(120, description: "Player blocked") }
        #expect(try await fixture.deliver { try $0.count(.failed) == 9 })
        let now = WallClock.nowMilliseconds()
        for (group, hours) in groups {
            try fixture.outbox().database.execute(
                "UPDATE wins SET created_at = ?1 WHERE reference LIKE ?2",
                [.integer(now - Int64(hours * 3_600_000)), .text("\(group)-%")])
        }
        return (fixture, now)
    }

    @Test func sinceAndUntilRetryExactlyTheWinsEnqueuedInTheWindow() async throws {
        let (fixture, now) = try await Self.failedAcrossHours()
        let since = UTCTime(epochMilliseconds: now - 4 * 3_600_000).text(.seconds)

        let dryRun = await fixture.cli(["retry", "--operator", "casino-a", "--since", since, "--until", "2h", "--dry-run"])
        #expect(dryRun.code == .success, "\(dryRun.errors)")
        #expect(dryRun.output == "in-1\nin-2\nin-3\n")
        #expect(dryRun.errors.hasPrefix("dry run: 3 failed wins of casino-a enqueued since "))
        #expect(dryRun.errors.hasSuffix(" would be due now; nothing changed\n"))
        #expect(try fixture.count(.failed) == 9, "a dry run changes nothing")
        #expect(try fixture.count("SELECT count(*) FROM ops_actions") == 0)

        let result = await fixture.cli([
            "retry", "--operator", "casino-a", "--since", since, "--until", "2h", "--reason", "outage",
        ])
        #expect(result.code == .success, "\(result.errors)")
        #expect(result.output.hasPrefix("3 failed wins of casino-a enqueued since "))
        let pending = try fixture.outbox().database.query("SELECT reference FROM wins WHERE state = 'pending' ORDER BY reference")
        #expect(pending.compactMap { $0.string("reference") } == ["in-1", "in-2", "in-3"])
        #expect(try fixture.count("SELECT count(*) FROM ops_actions WHERE action = 'retry' AND reason = 'outage'") == 3)

        // --since alone: everything from then on that is still failed.
        let rest = await fixture.cli(["retry", "--operator", "casino-a", "--since", "2h"])
        #expect(rest.code == .success)
        #expect(try fixture.count(.failed) == 3)
        #expect(
            try fixture.outbox().database.query("SELECT reference FROM wins WHERE state = 'failed' ORDER BY reference")
                .compactMap { $0.string("reference") } == ["early-1", "early-2", "early-3"])
    }

    @Test func theDuplicateWindowGuardLooksAtTheWinsInTheWindowOnly() async throws {
        let (fixture, now) = try await Self.failedAcrossHours()
        // early-1 was first sent 73 h ago (past the default 72 h window); it is outside the time window.
        try fixture.outbox().database.execute(
            "UPDATE attempts SET started_at = ?1 WHERE win_id = (SELECT id FROM wins WHERE reference = 'early-1')",
            [.integer(now - 73 * 3_600_000)])
        try fixture.outbox().database.execute(
            "UPDATE wins SET created_at = ?1 WHERE reference = 'early-1'", [.integer(now - 74 * 3_600_000)])
        let inside = await fixture.cli(["retry", "--operator", "casino-a", "--since", "4h"])
        #expect(inside.code == .success, "\(inside.errors)")
        #expect(try fixture.count(.pending) == 6)

        let covering = await fixture.cli(["retry", "--operator", "casino-a", "--since", "80h", "--dry-run"])
        #expect(covering.code == .failure)
        #expect(covering.errors.contains("1 failed win was of casino-a first sent more than 72h ago"))
    }

    @Test(arguments: [
        (["retry", "r-1", "--since", "2h"], "--since goes with --operator"),
        (["retry", "--operator", "casino-a", "--since", "yesterday"], "--since must be a duration such as 90s, 15m, 2h or 3d"),
        (["retry", "--operator", "casino-a", "--since", "1h", "--until", "2h"], "--until must be later than --since"),
    ])
    func badWindowsAreUsageErrors(arguments: [String], message: String) async throws {
        let fixture = try OpsFixture()
        let result = await fixture.cli(arguments)
        #expect(result.code == .usage)
        #expect(result.errors.contains(message), "\(result.errors)")
    }
}

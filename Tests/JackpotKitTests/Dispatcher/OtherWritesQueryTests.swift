import Testing
import JackpotStore
import TestSupport

/// What the dispatcher asks after another connection wrote to the outbox,
/// instead of a claim per operator: the due times of the newest wins, or of
/// every operator's next pending win.
@Suite struct OtherWritesQueryTests {
    @Test func newPendingWinsAreThoseAfterTheLastIdSeenGroupedByOperator() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let probe = OutboxProbe(path)
        let outbox = try Outbox(path: path)
        try probe.enqueue(["a-1", "a-2"], operator: "casino-a", now: 1_000)
        let (before, seen) = try outbox.newPendingWins(after: -1)
        #expect(before == ["casino-a": 1_000])
        try probe.enqueue(["b-1"], operator: "casino-b", now: 2_000)
        try probe.enqueue(["a-3"], operator: "casino-a", now: 3_000)
        let (after, last) = try outbox.newPendingWins(after: seen)
        #expect(after == ["casino-b": 2_000, "casino-a": 3_000])
        #expect(last > seen)
        let (none, same) = try outbox.newPendingWins(after: last)
        #expect(none.isEmpty && same == last)
    }

    @Test func newPendingWinsSearchTheRowIdRangeNotEveryPendingWin() throws {
        let directory = TemporaryDirectory()
        let probe = OutboxProbe(try ClaimQueryPlanTests.bigOutbox(in: directory))
        let plan = try ClaimQueryPlanTests.plan(
            probe,
            """
            SELECT operator, min(next_attempt_at) AS due FROM wins NOT INDEXED
            WHERE id > ? AND state = 'pending' GROUP BY operator
            """, [.integer(Int64(ClaimQueryPlanTests.rows - 10))])
        #expect(plan.contains { $0.hasPrefix("SEARCH wins USING INTEGER PRIMARY KEY (rowid>?)") }, "\(plan)")
    }

    @Test func nextClaimTimesGiveEachOperatorsEarliestPendingWinAndLeaveOutPausedOnes() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let probe = OutboxProbe(path)
        let outbox = try Outbox(path: path)
        try outbox.ensureOperators(["casino-a", "casino-b", "casino-c"], now: 1_000)
        try probe.enqueue(["a-1"], operator: "casino-a", now: 5_000)
        try probe.enqueue(["a-2"], operator: "casino-a", now: 4_000)
        try probe.enqueue(["b-1"], operator: "casino-b", now: 6_000)
        #expect(try outbox.nextClaimTimes() == ["casino-a": 4_000, "casino-b": 6_000])
        _ = try outbox.setPaused(operator: "casino-b", true, reason: nil, now: 7_000, by: "test")
        #expect(try outbox.nextClaimTimes() == ["casino-a": 4_000])
    }

    @Test func dueWinCountsCountEachOperatorsDueWinsUpToTheLimitPausedOnesIncluded() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let probe = OutboxProbe(path)
        let outbox = try Outbox(path: path)
        try outbox.ensureOperators(["casino-a", "casino-b", "casino-c", "casino-d"], now: 1_000)
        try probe.enqueue(winReferences("a", 5), operator: "casino-a", now: 4_000)
        try probe.enqueue(["b-1"], operator: "casino-b", now: 5_000)
        try probe.enqueue(["b-later"], operator: "casino-b", now: 9_000)
        try probe.enqueue(["d-1", "d-2"], operator: "casino-d", now: 5_000)
        _ = try outbox.setPaused(operator: "casino-d", true, reason: nil, now: 6_000, by: "test")
        #expect(try outbox.dueWinCounts(upTo: 3, now: 6_000) == ["casino-a": 3, "casino-b": 1, "casino-d": 2])
        #expect(try outbox.dueWinCounts(upTo: 12, now: 9_000) == ["casino-a": 5, "casino-b": 2, "casino-d": 2])
    }

    @Test func dueWinCountsSearchAtMostTheLimitOfEachOperatorsDueWins() throws {
        let directory = TemporaryDirectory()
        let probe = OutboxProbe(try ClaimQueryPlanTests.bigOutbox(in: directory))
        let plan = try ClaimQueryPlanTests.plan(
            probe,
            """
            SELECT name, (SELECT count(*) FROM (
                SELECT 1 FROM wins WHERE state = 'pending' AND operator = o.name AND next_attempt_at <= ?1 LIMIT ?2)
            ) AS due
            FROM operators o
            """, [.integer(1_700_000_100_000), 12])
        ClaimQueryPlanTests.expectCheap(plan, index: "wins_due")
    }
}

import Foundation
import Synchronization
import Testing
import JackpotIngest
import JackpotStore
import JackpotTelemetry
import JackpotWire
import TestSupport

/// The listener's writer: queued requests share one commit, and when it is
/// behind it refuses more instead of queueing without bound.
@Suite(.timeLimit(.minutes(2))) struct IngestWriterTests {
    static func win(_ reference: String) -> NewWin {
        let win = JackpotWin(
            operatorName: "casino-a", userId: "421", gameId: "g", roundId: "r", amount: try! DecimalAmount(validating: "55"),
            reference: reference, timestamp: "1700000000000", jackpotId: "568", platform: nil, token: nil)
        return NewWin(win)
    }

    @Test func whileACommitWaitsLaterRequestsShareTheNextAndTheQueueIsBounded() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path("outbox.sqlite3")
        let blocker = try Outbox(path: path)
        let writer = try IngestWriter(
            databasePath: path, busyTimeoutMilliseconds: 60_000, metrics: MetricsRegistry(), maximumQueuedWins: 5)
        defer { writer.stop() }

        // Another process holds the write lock: the writer's first commit waits for it.
        try blocker.database.execute("BEGIN EXCLUSIVE")
        let outcomes = Mutex<[String: [IngestWriter.Outcome]]>([:])
        let answered = AsyncStream<Void>.makeStream()
        func store(_ references: [String]) -> Bool {
            writer.store(references.map(Self.win)) { result in
                outcomes.withLock { $0[references[0]] = (try? result.get()) ?? [] }
                answered.continuation.yield()
            }
        }
        #expect(store(["w-1", "w-2", "w-3"]))
        #expect(store(["w-4", "w-5"]))
        // Five wins queued or in the waiting commit: one more is refused, nothing of it queued.
        #expect(!store(["w-6"]))
        try blocker.database.execute("COMMIT")

        var iterator = answered.stream.makeAsyncIterator()
        _ = await iterator.next()
        _ = await iterator.next()
        #expect(outcomes.withLock { $0 } == ["w-1": [.accepted, .accepted, .accepted], "w-4": [.accepted, .accepted]])
        // Five wins, two requests: one commit each at most (one for both if the second came in time).
        #expect((1...2).contains(writer.commits))
        // A read queued now runs in a later cycle, after the commits' cycle has counted its time.
        let read = AsyncStream<Void>.makeStream()
        #expect(writer.read { _ in read.continuation.yield() })
        var readDone = read.stream.makeAsyncIterator()
        _ = await readDone.next()
        #expect(writer.busy > .zero)
        #expect(try blocker.win(reference: "w-6") == nil)
        #expect(store(["w-6"]))
    }
}

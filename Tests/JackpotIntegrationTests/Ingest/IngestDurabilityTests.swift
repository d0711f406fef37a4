import Foundation
import Testing
import JackpotStore
import TestSupport

/// Group commit and shutdown: concurrent requests share fsyncs, every 2xx is
/// on disk (a `kill -9` right after it loses nothing), and SIGTERM lets a
/// request in flight finish.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct IngestDurabilityTests {
    /// One connection per win, every request written before any answer is
    /// read, so all of them are waiting at the listener together however busy
    /// the machine is; then the answers' statuses, in order.
    static func postConcurrently(_ daemon: IngestDaemon, _ references: [String]) async -> [Int] {
        var connections: [RawHTTPConnection] = []
        for reference in references {
            guard let connection = RawHTTPConnection(port: daemon.port) else { return [] }
            let body = Array(winLine(reference, operator: "casino-a").utf8)
            let head =
                "POST /v1/wins HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer \(daemon.platformToken)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
            connection.write(Array(head.utf8) + body)
            connections.append(connection)
        }
        return await withTaskGroup(of: (Int, Int).self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask { (index, await connection.readResponse()?.status ?? 0) }
            }
            var statuses = [Int](repeating: 0, count: connections.count)
            for await (index, status) in group { statuses[index] = status }
            return statuses
        }
    }

    @Test func concurrentPostsShareCommitsAndSurviveKill9() async throws {
        let daemon = try await IngestDaemon()
        let count = 48

        // The writer counts its commits (each one transaction, one fsync):
        // requests that arrived during a commit share the next one.
        let first = winReferences("gc-a", count)
        let firstStatuses = await Self.postConcurrently(daemon, first)
        #expect(firstStatuses.allSatisfy { $0 == 201 }, "\(firstStatuses)")
        let commits = try #require(await daemon.commits())
        #expect(commits >= 1 && commits < count, "\(commits) commits for \(count) requests")

        // kill -9 right after the last 2xx: every answered win is on disk.
        let second = winReferences("gc-b", count)
        let secondStatuses = await Self.postConcurrently(daemon, second)
        daemon.process.send(SIGKILL)
        #expect(await daemon.process.waitForExit(within: 10) != nil)
        #expect(secondStatuses.allSatisfy { $0 == 201 }, "\(secondStatuses)")
        #expect(try daemon.probe.missing(first + second) == [])
        #expect(try daemon.probe.integrityCheck() == "ok")
    }

    @Test func sigtermLetsARequestInFlightFinishAndRefusesNewOnesAndReadiness() async throws {
        let daemon = try await IngestDaemon()
        let lines = winReferences("term", 500).map { winLine($0, operator: "casino-a") }
        let body = Array(lines.joined(separator: "\n").utf8)
        let connection = try #require(RawHTTPConnection(port: daemon.port))
        let head =
            "POST /v1/wins HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer \(daemon.platformToken)\r\n"
            + "Content-Type: application/x-ndjson\r\nContent-Length: \(body.count)\r\n\r\n"
        // Headers and half the body, then SIGTERM, then the rest.
        connection.write(Array(head.utf8) + body[..<(body.count / 2)])
        // In flight once the listener has its headers (the scrape counts itself).
        var admitted = false
        while !admitted, !Task.isCancelled {
            admitted = await daemon.metric("jackpotd_ingest_requests_in_flight") ?? 0 >= 2
        }
        try #require(admitted)
        // A kept-alive connection the listener has answered on, so surely accepted before the signal.
        let readiness = try #require(RawHTTPConnection(port: daemon.port))
        readiness.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        try #require(await readiness.readKeptAliveResponse()?.status == 200)
        daemon.process.send(SIGTERM)
        let stopping = await eventually { daemon.process.log.contains("event=signal signal=TERM") }
        try #require(stopping, "\(daemon.process.log)")
        // The listener no longer accepts.
        let refused = await eventually {
            guard let late = RawHTTPConnection(port: daemon.port, receiveTimeoutSeconds: 5) else { return true }
            _ = late.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return false
        }
        #expect(refused)
        // Load balancers learn it at once: not ready, try later.
        readiness.write("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let notReady = try #require(await readiness.readResponse())
        #expect(notReady.status == 503)
        #expect(notReady.headers["retry-after"] == "1")
        connection.write(Array(body[(body.count / 2)...]))
        let answer = try #require(await connection.readResponse(), "\(daemon.process.log)")
        #expect(await daemon.process.waitForExit(within: 30) == 0, "\(daemon.process.log)")

        // Committed and 200, or not committed and 503: never in between.
        let stored = try daemon.probe.count()
        if answer.status == 200 {
            #expect(answer.number("accepted") == 500)
            #expect(stored == 500)
        } else {
            #expect(answer.status == 503, "\(answer.text)")
            #expect(answer.headers["retry-after"] != nil)
            #expect(stored == 0)
        }
        let log = daemon.process.log
        let listenerStopped = try #require(log.range(of: "event=ingest_stopped"))
        let deliveryStopped = try #require(log.range(of: "event=stop "))
        #expect(listenerStopped.lowerBound < deliveryStopped.lowerBound)
    }

    @Test func aWriterTooFarBehindAnswers503AndStoresNothingOfThatRequest() async throws {
        let daemon = try await IngestDaemon(topLevel: #""busyTimeoutSeconds": 300"#, arguments: ["--log-level", "debug"])
        // Another process holds the outbox's write lock, so the writer's commit waits.
        let blocker = try Outbox(path: daemon.databasePath, busyTimeoutMilliseconds: 60_000)
        try blocker.database.execute("BEGIN EXCLUSIVE")
        func batch(_ index: Int) -> RawHTTPConnection? {
            let lines = (0..<10_000).map { winLine("load-\(index)-\($0)", operator: "casino-a") }
            let body = Array(lines.joined(separator: "\n").utf8)
            guard let connection = RawHTTPConnection(port: daemon.port, receiveTimeoutSeconds: 240) else { return nil }
            connection.write(
                Array(
                    ("POST /v1/wins HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer \(daemon.platformToken)\r\n"
                        + "Content-Type: application/x-ndjson\r\nContent-Length: \(body.count)\r\n\r\n").utf8) + body)
            return connection
        }
        // Ten batches fill the writer's queue (100 000 wins); the listener logs each at debug level.
        var waiting: [RawHTTPConnection] = []
        for index in 0..<10 { waiting.append(try #require(batch(index))) }
        let full = await eventually(within: 180) { daemon.process.log.contains("queued=100000") }
        try #require(full, "\(daemon.process.log.suffix(2000))")

        let refused = try #require(await batch(10)?.readResponse())
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] == "1")
        #expect(refused.string("error")?.contains("writer is behind") == true)

        try blocker.database.execute("COMMIT")
        for connection in waiting {
            let answer = try #require(await connection.readResponse())
            #expect(answer.status == 200)
            #expect(answer.number("accepted") == 10_000)
        }
        #expect(try daemon.probe.count() == 100_000)
        #expect(try daemon.probe.win("load-10-0") == nil)
    }
}

import Dispatch
import Foundation
import Testing
import TestSupport

/// Network input is hostile: bodies too large (declared or chunked), chunked
/// bodies that are fine, slow clients, floods of headers and of idle
/// connections. Each gets a clear answer or a closed connection, and delivery
/// carries on.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct IngestHostileInputTests {
    static func chunked(_ body: [UInt8], pieces: Int) -> [UInt8] {
        var encoded: [UInt8] = []
        let size = max(1, body.count / pieces)
        var offset = 0
        while offset < body.count {
            let piece = body[offset..<min(body.count, offset + size)]
            encoded += Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + Array("\r\n".utf8)
            offset += piece.count
        }
        return encoded + Array("0\r\n\r\n".utf8)
    }

    static func chunkedPost(_ daemon: IngestDaemon, _ body: [UInt8], contentType: String) async -> HTTPReply? {
        guard let connection = RawHTTPConnection(port: daemon.port) else { return nil }
        let head =
            "POST /v1/wins HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer \(daemon.platformToken)\r\n"
            + "Content-Type: \(contentType)\r\nTransfer-Encoding: chunked\r\n\r\n"
        connection.write(Array(head.utf8) + chunked(body, pieces: 7))
        return await connection.readResponse()
    }

    @Test func oversizedBodiesAre413AndChunkedBodiesWork() async throws {
        let daemon = try await IngestDaemon(limits: #"{"maxBodyBytes": 65536}"#)
        let token = daemon.platformToken

        // Declared too large: refused from the headers, before the body is read.
        let connection = try #require(RawHTTPConnection(port: daemon.port))
        connection.write(
            "POST /v1/wins HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/x-ndjson\r\nContent-Length: 104857600\r\n\r\n")
        let declared = try #require(await connection.readResponse())
        #expect(declared.status == 413)
        #expect(declared.string("error")?.contains("maxBodyBytes") == true)

        // Chunked and too large: read, dropped, 413, nothing stored.
        let lines = (0..<600).map { winLine("big-\($0)", operator: "casino-a") }
        let large = Array(lines.joined(separator: "\n").utf8)
        try #require(large.count > 65536)
        let tooLarge = try #require(await Self.chunkedPost(daemon, large, contentType: "application/x-ndjson"))
        #expect(tooLarge.status == 413)
        #expect(try daemon.probe.count() == 0)

        let small = Array(lines.prefix(20).joined(separator: "\n").utf8)
        let fine = try #require(await Self.chunkedPost(daemon, small, contentType: "application/x-ndjson"))
        #expect(fine.status == 200, "\(fine.text)")
        #expect(fine.number("accepted") == 20)
        #expect(try daemon.probe.count() == 20)
    }

    /// Sends `bytes` one at a time, 100 ms apart, on a dispatch thread, until all are sent or the listener closes.
    static func trickle(_ bytes: [UInt8], on connection: RawHTTPConnection) {
        DispatchQueue.global().async {
            for byte in bytes {
                guard connection.write([byte]) else { return }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

    @Test func aBodyStillTricklingAtTheDeadlineIsAnswered408AndClosed() async throws {
        let daemon = try await IngestDaemon(limits: #"{"requestTimeoutSeconds": 2}"#)
        // Headers whole, then a byte every 100 ms: never idle for the 2 s
        // libmicrohttpd waits, but the whole body (about 15 s at this pace)
        // cannot arrive before the request's deadline, 2 s after its headers.
        let body = Array(winLine("slow-body", operator: "casino-a").utf8)
        try #require(body.count > 60)
        let slow = try #require(RawHTTPConnection(port: daemon.port, receiveTimeoutSeconds: 60))
        slow.write(
            "POST /v1/wins HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(daemon.platformToken)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
        Self.trickle(body, on: slow)
        let received = await slow.readToEnd()
        let reply = try #require(HTTPReply(received), "\(String(decoding: received, as: UTF8.self))")
        #expect(reply.status == 408)
        #expect(reply.headers["connection"] == "close")
        #expect(reply.string("error")?.contains("requestTimeoutSeconds") == true, "\(reply.text)")
        #expect(try daemon.probe.count() == 0)
        #expect(await httpRequest(port: daemon.port, "GET", "/healthz")?.status == 200)
    }

    @Test func headersThatNeverFinishAreClosedWithoutAnAnswer() async throws {
        let daemon = try await IngestDaemon(limits: #"{"requestTimeoutSeconds": 1}"#)
        // Headers never finished: no request exists yet, so there is nothing to
        // answer. libmicrohttpd closes the connection once it has been idle for
        // the timeout, without a word (nginx does the same).
        let slow = try #require(RawHTTPConnection(port: daemon.port, receiveTimeoutSeconds: 30))
        slow.write("POST /v1/wins HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        let cutOff = await slow.readToEnd()
        #expect(cutOff.isEmpty, "\(String(decoding: cutOff, as: UTF8.self))")
        #expect(await httpRequest(port: daemon.port, "GET", "/healthz")?.status == 200)
    }

    @Test func aHeaderFloodIsRefused() async throws {
        let daemon = try await IngestDaemon()
        // Thousands of headers: more than the connection's memory limit.
        let flood = try #require(RawHTTPConnection(port: daemon.port))
        var head = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        for index in 0..<5000 { head += "X-Flood-\(index): \(String(repeating: "f", count: 20))\r\n" }
        flood.write(head + "\r\n")
        let flooded = HTTPReply(await flood.readToEnd())
        #expect(flooded == nil || (400..<500).contains(flooded!.status), "\(flooded?.status ?? 0)")

        // The listener is still there for well-behaved clients.
        #expect(await httpRequest(port: daemon.port, "GET", "/healthz")?.status == 200)
    }

    @Test func idleConnectionsBeyondTheLimitAreRefusedWhileDeliveryCarriesOn() async throws {
        let daemon = try await IngestDaemon(limits: #"{"maxConnections": 8, "requestTimeoutSeconds": 60}"#)
        var idle: [RawHTTPConnection] = []
        for _ in 0..<8 { idle.append(try #require(RawHTTPConnection(port: daemon.port))) }
        // A request on one of them shows they are all accepted (one thread, in order).
        idle[7].write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")

        // One more: accepted by the kernel, then closed by libmicrohttpd without an answer.
        let extra = try #require(RawHTTPConnection(port: daemon.port, receiveTimeoutSeconds: 20))
        extra.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(HTTPReply(await extra.readToEnd()) == nil)

        // Delivery does not depend on the listener.
        try daemon.probe.enqueue(["idle-1", "idle-2"], operator: "casino-a")
        let delivered = try await eventually { try daemon.probe.allDelivered(["idle-1", "idle-2"]) }
        #expect(delivered)

        // Once they close, the listener takes new connections again.
        idle.removeAll()
        var answered = false
        let deadline = ContinuousClock.now + .seconds(20)
        while !answered, ContinuousClock.now < deadline {
            answered = await httpRequest(port: daemon.port, "GET", "/healthz")?.status == 200
            if !answered { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(answered)
    }
}

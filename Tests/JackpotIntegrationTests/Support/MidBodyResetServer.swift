import Foundation
import Glibc
import Synchronization
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
import TestSupport

/// A loopback HTTP server that reads each request in full, sends a 200 head
/// promising a body, the first bytes of that body, and then resets the connection
/// (SO_LINGER 0): the answer breaks off mid-body. The scripted operator's
/// faults reset before any byte is sent; this one is for the case in between.
final class MidBodyResetServer {
    let port: Int
    private let shared: Shared
    private let done = DispatchGroup()

    /// What each connection gets before the reset: a head promising 200 bytes, then 24 of them.
    static let partialAnswer =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"transactionId\":\"tx-99"

    /// What the accept thread shares with the server object (not the object
    /// itself, so that dropping the server stops the thread).
    private final class Shared: Sendable {
        let listener: Int32
        let connections = Atomic<Int>(0)
        let stopped = Atomic<Bool>(false)
        init(listener: Int32) { self.listener = listener }
    }

    init() {
        let (listener, port) = loopbackSocket(listening: true)
        self.port = port
        let shared = Shared(listener: listener)
        self.shared = shared
        let done = done
        done.enter()
        Thread {
            defer { done.leave() }
            while !shared.stopped.load(ordering: .acquiring) {
                let connection = accept(shared.listener, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR { continue }
                    return  // shutdown() of the listener ends the loop
                }
                shared.connections.add(1, ordering: .relaxed)
                Self.answerHalfThenReset(connection)
            }
        }.start()
    }

    /// Requests (connections) received so far.
    var requestCount: Int { shared.connections.load(ordering: .relaxed) }

    var url: String { "http://127.0.0.1:\(port)/V4/JackPotWin" }

    /// Stops accepting and joins the thread. Idempotent.
    func stop() {
        guard !shared.stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(shared.listener, Int32(SHUT_RDWR))
        done.wait()
        close(shared.listener)
    }

    deinit { stop() }

    private static func answerHalfThenReset(_ fd: Int32) {
        defer {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(fd)
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard readRequest(fd) else { return }
        let bytes = Array(partialAnswer.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        // Let the partial answer reach the client before the reset overtakes it.
        usleep(100_000)
    }

    /// Reads the head and the Content-Length body; false if the client went away.
    private static func readRequest(_ fd: Int32) -> Bool {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            if let headEnd = buffer.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound {
                let head = String(decoding: buffer[..<headEnd], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n")
                    .first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if buffer.count - headEnd >= length { return true }
            }
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            guard received > 0 else { return false }
            buffer += chunk[..<received]
        }
    }
}

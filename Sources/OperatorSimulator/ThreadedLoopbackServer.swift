import Dispatch
import Foundation
import Glibc
import Synchronization

/// A loopback TCP server for transport tests and the bench's faulty operators: one accept thread, one thread
/// per connection running `handler` on a blocking socket. Every receive is
/// bounded (SO_RCVTIMEO), and `stop()` shuts every socket down so blocked calls
/// return, then joins all threads: a test leaks neither a thread nor a port.
package final class ThreadedLoopbackServer: Sendable {
    package typealias Handler = @Sendable (_ connection: LoopbackConnection) -> Void

    package let port: Int
    private let listener: Int32
    private let open = Mutex<Set<Int32>>([])
    private let stopped = Atomic<Bool>(false)
    private let threads = DispatchGroup()

    package init(handler: @escaping Handler) {
        let (listener, port) = loopbackSocket(listening: true)
        self.listener = listener
        self.port = port
        threads.enter()
        Thread { [self] in
            defer { threads.leave() }
            while !stopped.load(ordering: .acquiring) {
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    return  // shutdown() of the listener ends the loop
                }
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                var timeout = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let admitted = open.withLock { open in
                    guard !stopped.load(ordering: .acquiring) else { return false }
                    open.insert(fd)
                    return true
                }
                guard admitted else {
                    close(fd)
                    return
                }
                threads.enter()
                Thread { [self] in
                    defer { threads.leave() }
                    let connection = LoopbackConnection(fd: fd)
                    handler(connection)
                    open.withLock { _ = $0.remove(fd) }
                    connection.close()
                }.start()
            }
        }.start()
    }

    deinit { stop() }

    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting, ends every connection and joins the threads. Idempotent.
    package func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        open.withLock { open in for fd in open { shutdown(fd, Int32(SHUT_RDWR)) } }
        threads.wait()
        close(listener)
    }
}

/// One accepted connection, read as HTTP/1.1 requests (Content-Length bodies).
package final class LoopbackConnection {
    package let fd: Int32
    private var buffer: [UInt8] = []
    private var closed = false

    package init(fd: Int32) { self.fd = fd }

    /// The next request's head (lowercased) and body; nil when the peer closed or went silent.
    package func readRequest() -> (head: String, body: [UInt8])? {
        while true {
            if let headEnd = buffer.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound {
                let head = String(decoding: buffer[..<headEnd], as: UTF8.self).lowercased()
                let length =
                    head.split(separator: "\r\n")
                    .first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if buffer.count - headEnd >= length {
                    let body = Array(buffer[headEnd..<(headEnd + length)])
                    buffer.removeSubrange(..<(headEnd + length))
                    return (head, body)
                }
            }
            guard receive() else { return nil }
        }
    }

    /// Reads what arrives into the buffer; false on EOF, error or timeout.
    package func receive() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer += chunk[..<count]
            return true
        }
    }

    /// Takes what was read past the last request (a proxy relays it).
    package func takeBuffered() -> [UInt8] {
        defer { buffer.removeAll() }
        return buffer
    }

    /// Writes all of `bytes`; false once the peer is gone.
    @discardableResult
    package func write(_ bytes: some Collection<UInt8>) -> Bool {
        Array(bytes).withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }

    @discardableResult
    package func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// Closes with a TCP reset (SO_LINGER 0) instead of a FIN.
    package func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    package func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}

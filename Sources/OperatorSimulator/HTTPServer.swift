import Glibc
import Dispatch
import Foundation
import Synchronization
import JackpotWire

/// A small HTTP/1.1 server on 127.0.0.1 with one thread per connection.
///
/// Blocking sockets and plain threads keep it obvious, and loopback with a
/// few dozen connections is far from where that model hurts. Every blocking
/// wait also polls a "stop" pipe, so `stop()` can end every thread — including
/// ones deliberately hanging or sleeping — and join them, and a test never
/// leaks a thread or a port into the next one.
package final class HTTPServer: Sendable {
    package typealias Handler = @Sendable (HTTPServerRequest) -> HTTPServerAction

    package let port: Int
    private let context: ServerContext

    /// Binds 127.0.0.1 on an ephemeral port and starts accepting.
    package init(handler: @escaping Handler) throws(ServerStartError) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw ServerStartError(call: "socket", errno: errno) }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(listener)
            throw ServerStartError(call: "bind", errno: code)
        }
        guard listen(listener, 512) == 0 else {
            let code = errno
            close(listener)
            throw ServerStartError(call: "listen", errno: code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            close(listener)
            throw ServerStartError(call: "getsockname", errno: code)
        }
        port = Int(UInt16(bigEndian: address.sin_port))

        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            let code = errno
            close(listener)
            throw ServerStartError(call: "pipe", errno: code)
        }
        pipeEnds.forEach(setCloseOnExec)
        context = ServerContext(listener: listener, stopRead: pipeEnds[0], stopWrite: pipeEnds[1], handler: handler)
        context.startThread { [context] in context.acceptLoop() }
    }

    deinit { stop() }

    /// Closes the listener and every connection, and waits for all server threads to end.
    /// Idempotent.
    package func stop() {
        context.stop()
    }
}

/// Keeps server sockets out of child processes (tests spawn the daemon), which
/// would otherwise hold ports and connections open after `stop()`.
private func setCloseOnExec(_ fd: Int32) {
    _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
}

/// Why the server could not start listening.
package struct ServerStartError: Error, Sendable, CustomStringConvertible {
    let call: String
    let errno: Int32

    package var description: String { "\(call) failed: \(String(cString: strerror(errno)))" }
}

/// Everything the server's threads share. Kept apart from `HTTPServer` so the
/// threads do not keep the server object alive and its `deinit` can stop them.
private final class ServerContext: Sendable {
    static let maxHeaderBytes = 16 * 1024
    static let maxBodyBytes = 1024 * 1024
    static let readChunk = 16 * 1024
    static let writeChunk = 64 * 1024

    let listener: Int32
    /// Readable (EOF) once `stop()` closed the write end: every poll includes it.
    let stopRead: Int32
    let stopWrite: Int32
    let handler: HTTPServer.Handler
    private let threads = DispatchGroup()
    private let stopped = Mutex(false)

    init(listener: Int32, stopRead: Int32, stopWrite: Int32, handler: @escaping HTTPServer.Handler) {
        self.listener = listener
        self.stopRead = stopRead
        self.stopWrite = stopWrite
        self.handler = handler
    }

    func startThread(_ body: @escaping @Sendable () -> Void) {
        threads.enter()
        let thread = Thread { [threads] in
            body()
            threads.leave()
        }
        thread.name = "ScriptedOperator"
        thread.start()
    }

    func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        close(stopWrite)
        threads.wait()
        close(stopRead)
    }

    // MARK: Accepting

    func acceptLoop() {
        defer { close(listener) }
        while waitReadable(listener, timeoutMilliseconds: -1) {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EAGAIN { continue }
                // Out of descriptors or similar: back off briefly instead of spinning.
                guard waitReadable(nil, timeoutMilliseconds: 10) else { return }
                continue
            }
            setCloseOnExec(connection)
            var noDelay: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            startThread { [self] in serve(connection) }
        }
    }

    // MARK: One connection

    private func serve(_ fd: Int32) {
        var resetOnClose = false
        defer {
            if resetOnClose {
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            }
            close(fd)
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.readChunk)
        var scratch = [UInt8](repeating: 0, count: Self.readChunk)
        var scanned = 0
        while true {
            // Read until the end of the head.
            var headEnd: Int?
            while true {
                headEnd = Self.findHeadEnd(buffer, from: scanned)
                if headEnd != nil { break }
                scanned = max(0, buffer.count - 3)
                if buffer.count > Self.maxHeaderBytes {
                    reject(fd, HTTPRequestRejection(status: 431, message: "request head too large"))
                    return
                }
                guard read(fd, into: &buffer, scratch: &scratch) else { return }
            }
            guard let headEnd else { return }
            let head: HTTPRequestHead
            do {
                head = try HTTPRequestHead(parsing: buffer[..<headEnd], maxBodyBytes: Self.maxBodyBytes)
            } catch {
                reject(fd, error)
                return
            }
            let bodyStart = headEnd + 4
            let bodyEnd = bodyStart + head.contentLength
            if head.expectsContinue && buffer.count < bodyEnd {
                guard write(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
            }
            while buffer.count < bodyEnd {
                guard read(fd, into: &buffer, scratch: &scratch) else { return }
            }
            let request = HTTPServerRequest(
                method: head.method, target: head.target, version: head.version,
                headers: head.headers, body: Array(buffer[bodyStart..<bodyEnd]))
            buffer.removeSubrange(..<bodyEnd)
            scanned = 0

            switch handler(request) {
            case .respond(let response, let delay):
                if delay > 0, !waitReadable(nil, timeoutMilliseconds: Int32(clamping: Int((delay * 1000).rounded(.up)))) {
                    return
                }
                let keepAlive = request.keepAlive
                guard send(response, keepAlive: keepAlive, on: fd), keepAlive else { return }
            case .hang:
                hang(fd, scratch: &scratch)
                return
            case .reset:
                resetOnClose = true
                return
            }
        }
    }

    private static func findHeadEnd(_ buffer: [UInt8], from start: Int) -> Int? {
        guard buffer.count >= 4 else { return nil }
        var index = start
        while index + 3 < buffer.count {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }

    private func reject(_ fd: Int32, _ rejection: HTTPRequestRejection) {
        let json = "{\"error\":1,\"description\":\(JSONWriter.quoted(rejection.message))}"
        _ = send(.json(rejection.status, json), keepAlive: false, on: fd)
    }

    /// Holds the connection without answering, draining whatever the client
    /// sends, until it closes or the server stops.
    private func hang(_ fd: Int32, scratch: inout [UInt8]) {
        var sink: [UInt8] = []
        while read(fd, into: &sink, scratch: &scratch) {
            sink.removeAll(keepingCapacity: true)
        }
    }

    private func send(_ response: HTTPServerResponse, keepAlive: Bool, on fd: Int32) -> Bool {
        var head = response.head(keepAlive: keepAlive)
        switch response.body {
        case .bytes(let bytes):
            // One write for head and body: fewer syscalls and no Nagle stall.
            head.append(contentsOf: bytes)
            return write(fd, head)
        case .repeated(let byte, let count):
            guard write(fd, head) else { return false }
            let chunk = [UInt8](repeating: byte, count: min(Self.writeChunk, count))
            var remaining = count
            while remaining > 0 {
                let size = min(remaining, chunk.count)
                guard write(fd, chunk[..<size]) else { return false }
                remaining -= size
            }
            return true
        }
    }

    // MARK: Socket primitives that give way to stop()

    /// Waits until `fd` is readable (or hung up); false when the server is
    /// stopping. With `fd == nil` it is an interruptible sleep: false when
    /// stopping, true when the timeout passed.
    private func waitReadable(_ fd: Int32?, timeoutMilliseconds: Int32) -> Bool {
        var descriptors = [pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0)]
        if let fd { descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), timeoutMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return false
            }
            if descriptors[0].revents != 0 { return false }
            return fd == nil ? ready == 0 : true
        }
    }

    private func waitWritable(_ fd: Int32) -> Bool {
        var descriptors = [
            pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0),
            pollfd(fd: fd, events: Int16(POLLOUT), revents: 0),
        ]
        while true {
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return false
            }
            return descriptors[0].revents == 0
        }
    }

    /// Appends what arrives to `buffer`, through the connection's reusable
    /// `scratch`; false on EOF, error, or stop.
    private func read(_ fd: Int32, into buffer: inout [UInt8], scratch: inout [UInt8]) -> Bool {
        guard waitReadable(fd, timeoutMilliseconds: -1) else { return false }
        while true {
            let received = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if received < 0, errno == EINTR { continue }
            guard received > 0 else { return false }
            buffer.append(contentsOf: scratch[..<received])
            return true
        }
    }

    /// Writes all of `bytes`; false when the peer is gone (no SIGPIPE) or the server stops.
    private func write(_ fd: Int32, _ bytes: some ContiguousBytes) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(
                    fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                if sent > 0 {
                    offset += sent
                } else if sent < 0, errno == EINTR {
                    continue
                } else if sent < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                    guard waitWritable(fd) else { return false }
                } else {
                    return false
                }
            }
            return true
        }
    }
}

import Dispatch
import Glibc
import Synchronization

/// Answers that never fit the body cap, chosen by path: `/huge` (200 MB with a
/// Content-Length), `/endless` (chunked, never ends) and `/gzip` (a gzip bomb:
/// `Content-Encoding: gzip`, members of a compressed 1 MiB of zeros repeated to
/// 512 MiB inflated). Each answer sends its head and a first 16 KiB, then parks
/// until `release()`, so tests can hold big answers in flight; afterwards it
/// streams until done or until the client stops reading.
package final class BigAnswerServer: Sendable {
    package struct Counts: Sendable, Hashable {
        /// Answers parked after their first 16 KiB.
        package var parked = 0
        /// Paths whose body was written to the end (for an answer larger than the
        /// sockets' buffers, that means the client read it all).
        package var completed: [String] = []
        /// Paths whose answer ended because the client closed the connection.
        package var abandoned: [String] = []
        /// Requests that carried an Accept-Encoding header.
        package var askedForEncoding = 0
    }

    package static let hugeBytes = 200 * 1024 * 1024
    package static let firstPart = 16 * 1024

    private let server: ThreadedLoopbackServer
    private let counts: Locked<Counts>
    private let gate: Gate

    /// `gzipMember`: one gzip member inflating to 1 MiB of zeros.
    package init(gzipMember: [UInt8]) {
        let counts = Locked(Counts())
        let gate = Gate()
        let gzipBody = Array([[UInt8]](repeating: gzipMember, count: 512).joined())
        let spaces = [UInt8](repeating: UInt8(ascii: " "), count: BodyStream.piece)
        let chunk =
            Array("\(String(BodyStream.piece, radix: 16))\r\n".utf8)
            + [UInt8](repeating: UInt8(ascii: "x"), count: BodyStream.piece) + [13, 10]
        server = ThreadedLoopbackServer { connection in
            // A send buffer the size of a WAN path's, not loopback's megabytes: the
            // server writes about what the client reads before it gives up,
            // instead of burning the machine's CPU on bytes nobody reads.
            var sendBuffer: Int32 = 64 * 1024
            setsockopt(connection.fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, socklen_t(MemoryLayout<Int32>.size))
            guard let request = connection.readRequest() else { return }
            let target = request.head.split(separator: " ").dropFirst().first.map(String.init) ?? ""
            if request.head.contains("\r\naccept-encoding:") { counts.withLock { $0.askedForEncoding += 1 } }
            let stream: BodyStream
            switch target {
            case "/huge":
                connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(Self.hugeBytes)\r\n\r\n")
                stream = BodyStream(total: Self.hugeBytes, piece: spaces)
            case "/endless":
                connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                stream = BodyStream(total: nil, piece: chunk)
            default:
                connection.write(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                        + "Content-Length: \(gzipBody.count)\r\n\r\n")
                stream = BodyStream(total: gzipBody.count, fixed: gzipBody)
            }
            guard stream.send(upTo: Self.firstPart, on: connection) else {
                counts.withLock { $0.abandoned.append(target) }
                return
            }
            counts.withLock { $0.parked += 1 }
            gate.wait()
            counts.withLock { $0.parked -= 1 }
            let finished = stream.send(upTo: nil, on: connection)
            counts.withLock { finished ? $0.completed.append(target) : $0.abandoned.append(target) }
        }
        self.counts = counts
        self.gate = gate
    }

    package var baseURL: String { server.baseURL }
    package var snapshot: Counts { counts.value }

    /// Lets every parked answer (and every later one) stream on.
    package func release() { gate.open() }

    package func stop() {
        gate.open()
        server.stop()
    }

    /// A one-way gate: closed until `open()`, then open for good.
    private final class Gate: Sendable {
        private let isOpen = Mutex(false)
        private let semaphore = DispatchSemaphore(value: 0)

        func wait() {
            guard !isOpen.withLock({ $0 }) else { return }
            semaphore.wait()
            semaphore.signal()  // the next waiter passes too
        }

        func open() {
            let first = isOpen.withLock { open in
                defer { open = true }
                return !open
            }
            if first { semaphore.signal() }
        }
    }
}

/// A body written in pieces of 16 KiB payload: slices of `fixed`, or `piece`
/// (built once) repeated up to `total` bytes (nil: forever).
private final class BodyStream {
    private let total: Int?
    private let piece: [UInt8]
    private let fixed: [UInt8]?
    private var sent = 0
    static let piece = 16 * 1024

    init(total: Int?, piece: [UInt8]) {
        self.total = total
        self.piece = piece
        fixed = nil
    }

    init(total: Int, fixed: [UInt8]) {
        self.total = total
        piece = []
        self.fixed = fixed
    }

    /// Sends until `limit` payload bytes in all (nil: until the end); false once the client is gone.
    func send(upTo limit: Int?, on connection: LoopbackConnection) -> Bool {
        while true {
            let end = [total, limit].compactMap { $0 }.min()
            if let end, sent >= end { return true }
            let count = min(Self.piece, (end ?? Int.max) - sent)
            let written =
                if let fixed {
                    connection.write(fixed[sent..<(sent + count)])
                } else if count == Self.piece {
                    connection.write(piece)  // whole, with the chunk framing `/endless` puts around it
                } else {
                    connection.write(piece.prefix(count))  // the last, shorter piece of `/huge`
                }
            guard written else { return false }
            sent += count
        }
    }
}

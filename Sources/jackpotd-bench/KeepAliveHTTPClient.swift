import Foundation
import Glibc

/// A blocking HTTP/1.1 client on one keep-alive loopback connection, for the
/// ingest measurements: each client runs on a thread of its own and spends as
/// little as it can per request (the request's bytes made before the clock
/// starts, one receive buffer reused), so what is measured is the listener, not
/// a client library. Reads answers by their Content-Length (the listener always
/// sends one). Used by one thread at a time.
final class KeepAliveHTTPClient: @unchecked Sendable {
    private let descriptor: Int32
    /// Received bytes not yet consumed are `received[start..<end]`.
    private var received = [UInt8](repeating: 0, count: 64 * 1024)
    private var start = 0
    private var end = 0

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard descriptor >= 0, connected == 0 else { throw BenchFailure("cannot connect to 127.0.0.1:\(port)") }
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(descriptor) }

    /// The bytes of a `POST` of `body` to `path`, to send with `exchange`.
    static func post(_ path: String, token: String, contentType: String, body: [UInt8]) -> [UInt8] {
        let head =
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// POSTs `body` and returns the status and body of the answer.
    func post(_ path: String, token: String, contentType: String, body: [UInt8]) throws -> (status: Int, body: [UInt8]) {
        try exchange(Self.post(path, token: token, contentType: contentType, body: body))
    }

    /// Sends one request's bytes and reads its answer: status and body.
    func exchange(_ request: [UInt8]) throws -> (status: Int, body: [UInt8]) {
        var offset = 0
        while offset < request.count {
            let written = request[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw BenchFailure("the listener closed the connection") }
            offset += written
        }
        var bodyStart: Int?
        while bodyStart == nil {
            try fill()
            bodyStart = Self.endOfHead(received, start..<end)
        }
        let head = received[start..<bodyStart!]
        guard let status = Self.status(head) else {
            throw BenchFailure("not an HTTP answer: \(String(decoding: head.prefix(80), as: UTF8.self))")
        }
        let length = Self.contentLength(head) ?? 0
        while end - bodyStart! < length { try fill() }
        let body = Array(received[bodyStart!..<bodyStart! + length])
        start = bodyStart! + length
        if start == end { (start, end) = (0, 0) }
        return (status, body)
    }

    private func fill() throws {
        if end == received.count {
            if start > 0 {
                received.replaceSubrange(0..<end - start, with: received[start..<end])
                (start, end) = (0, end - start)
            } else {
                received += [UInt8](repeating: 0, count: received.count)
            }
        }
        let count = received.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + end, $0.count - end, 0) }
        guard count > 0 else { throw BenchFailure("the listener closed the connection") }
        end += count
    }

    /// The index just past the head's blank line, or nil while it is not all in.
    private static func endOfHead(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard range.count >= 4 else { return nil }
        for index in range.lowerBound...(range.upperBound - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    /// The three digits after `HTTP/1.1 `.
    private static func status(_ head: ArraySlice<UInt8>) -> Int? {
        guard let space = head.firstIndex(of: UInt8(ascii: " ")), space + 3 < head.endIndex else { return nil }
        return Int(String(decoding: head[space + 1..<space + 4], as: UTF8.self))
    }

    private static func contentLength(_ head: ArraySlice<UInt8>) -> Int? {
        let name = Array("\r\ncontent-length:".utf8)
        guard head.count > name.count else { return nil }
        for index in head.startIndex...(head.endIndex - name.count) where head[index] == 13 {
            guard zip(head[index..<index + name.count], name).allSatisfy({ lowercased($0) == $1 }) else { continue }
            let digits = head[(index + name.count)...].drop { $0 == UInt8(ascii: " ") }.prefix { (48...57).contains($0) }
            return Int(String(decoding: digits, as: UTF8.self))
        }
        return nil
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (65...90).contains(byte) ? byte + 32 : byte
    }
}

import Foundation
import Glibc

/// A blocking HTTP/1.1 client on one keep-alive loopback connection, for the
/// ingest measurements: each client runs on a thread of its own, so what is
/// measured is the listener, not a client library. Reads answers by their
/// Content-Length (the listener always sends one). Used by one thread at a time.
final class KeepAliveHTTPClient: @unchecked Sendable {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, connected == 0 else { throw BenchFailure("cannot connect to 127.0.0.1:\(port)") }
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(descriptor) }

    /// POSTs `body` and returns the status and body of the answer.
    func post(_ path: String, token: String, contentType: String, body: [UInt8]) throws -> (status: Int, body: [UInt8]) {
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\r\n"
        var request = Array(head.utf8)
        request += body
        var offset = 0
        while offset < request.count {
            let written = request[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw BenchFailure("the listener closed the connection") }
            offset += written
        }
        let separator = Array("\r\n\r\n".utf8)
        var headerEnd: Range<Int>?
        while headerEnd == nil {
            try fill()
            headerEnd = buffer.firstRange(of: separator)
        }
        let answerHead = String(decoding: buffer[..<headerEnd!.lowerBound], as: UTF8.self)
        let lines = answerHead.split(separator: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw BenchFailure("not an HTTP answer: \(answerHead.prefix(80))")
        }
        let length = lines.dropFirst().first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        while buffer.count < headerEnd!.upperBound + length { try fill() }
        let answer = Array(buffer[headerEnd!.upperBound..<headerEnd!.upperBound + length])
        buffer.removeFirst(headerEnd!.upperBound + length)
        return (status, answer)
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw BenchFailure("the listener closed the connection") }
        buffer += chunk[..<count]
    }
}

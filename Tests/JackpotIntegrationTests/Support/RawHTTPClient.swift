import Dispatch
import Foundation
import JackpotWire

/// A deliberately plain HTTP/1.1 client over a loopback socket, for tests that
/// must send what a library would not: partial headers, invalid bytes, a body
/// split around a signal, idle connections. Blocking I/O runs on dispatch
/// threads, never on the cooperative pool the daemon-under-test's peers share.
final class RawHTTPConnection: @unchecked Sendable {
    let descriptor: Int32

    /// Connects to `host` (a numeric IPv4 or IPv6 address) and `port`; nil when the connection is refused.
    init?(host: String = "127.0.0.1", port: Int, receiveTimeoutSeconds: Int = 30) {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found?.pointee else { return nil }
        defer { freeaddrinfo(found) }
        let descriptor = socket(info.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(descriptor, info.ai_addr, info.ai_addrlen) == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    /// Connects to the unix socket at `path`; nil when nothing listens there.
    init?(unixPath path: String, receiveTimeoutSeconds: Int = 30) {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes`; false when the peer closed.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    @discardableResult
    func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// Everything until the peer closes (or the receive timeout passes).
    func readToEnd() async -> [UInt8] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [self] in
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    received.append(contentsOf: buffer[..<count])
                }
                continuation.resume(returning: received)
            }
        }
    }

    /// One answer on a kept-alive connection, read up to its `Content-Length`; nil when the peer closed first.
    func readKeptAliveResponse() async -> HTTPReply? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [self] in
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    if let reply = HTTPReply(received), let length = reply.headers["content-length"].flatMap(Int.init),
                        reply.body.count >= length
                    {
                        continuation.resume(returning: reply)
                        return
                    }
                    let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    received.append(contentsOf: buffer[..<count])
                }
                continuation.resume(returning: nil)
            }
        }
    }

    /// The answer to a request sent with `Connection: close`; nil when the peer closed without one.
    func readResponse() async -> HTTPReply? {
        HTTPReply(await readToEnd())
    }
}

/// A parsed answer: status, headers by lowercased name, body.
struct HTTPReply: Sendable {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]

    init?(_ bytes: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.firstRange(of: separator) else { return nil }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        self.status = status
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.headers = headers
        body = Array(bytes[end.upperBound...])
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    var json: JSONObject? { (try? JSONValue.parse(body))?.objectValue }

    /// A top-level string member of the JSON body.
    func string(_ key: String) -> String? { json?[key]?.stringValue }

    /// A top-level whole-number member of the JSON body.
    func number(_ key: String) -> Int? {
        if case .number(let digits)? = json?[key] { return Int(digits) }
        return nil
    }
}

/// One request on a fresh connection, `Connection: close`, and its answer.
func httpRequest(
    host: String = "127.0.0.1", port: Int, _ method: String, _ path: String, token: String? = nil, contentType: String? = nil,
    body: [UInt8] = [], headers: [String] = []
) async -> HTTPReply? {
    guard let connection = RawHTTPConnection(host: host, port: port) else { return nil }
    let hostHeader = host.contains(":") ? "[\(host)]" : host
    var head = "\(method) \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nConnection: close\r\n"
    if let token { head += "Authorization: Bearer \(token)\r\n" }
    if let contentType { head += "Content-Type: \(contentType)\r\n" }
    if method == "POST" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
    for header in headers { head += header + "\r\n" }
    connection.write(Array((head + "\r\n").utf8) + body)
    return await connection.readResponse()
}

func postWin(port: Int, token: String?, _ line: String) async -> HTTPReply? {
    await httpRequest(port: port, "POST", "/v1/wins", token: token, contentType: "application/json", body: Array(line.utf8))
}

func postBatch(port: Int, token: String?, _ lines: [String]) async -> HTTPReply? {
    await httpRequest(
        port: port, "POST", "/v1/wins", token: token, contentType: "application/x-ndjson",
        body: Array(lines.joined(separator: "\n").utf8))
}

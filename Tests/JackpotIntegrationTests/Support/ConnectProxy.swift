import Foundation
import Glibc
import Synchronization
import OperatorSimulator

/// A small HTTP CONNECT proxy on loopback: it tunnels to 127.0.0.1 ports only,
/// records each CONNECT target and its Proxy-Authorization, and relays bytes
/// both ways until either side closes (every wait bounded by the sockets'
/// 10 s timeouts). Anything but CONNECT gets a 405.
final class ConnectProxy: Sendable {
    struct Tunnel: Sendable, Hashable {
        let target: String
        let authorization: String?
    }

    private let server: ThreadedLoopbackServer
    private let tunnels: Locked<[Tunnel]>

    init() {
        let tunnels = Locked<[Tunnel]>([])
        server = ThreadedLoopbackServer { client in
            guard let request = client.readRequest() else { return }
            let requestLine = (request.head.split(separator: "\r\n").first ?? "").split(separator: " ")
            guard requestLine.count == 3, requestLine[0] == "connect" else {
                client.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            }
            let target = String(requestLine[1])
            let authorization = request.head.split(separator: "\r\n")
                .first { $0.hasPrefix("proxy-authorization:") }
                .map { $0.dropFirst("proxy-authorization:".count).trimmingCharacters(in: .whitespaces) }
            tunnels.withLock { $0.append(Tunnel(target: target, authorization: authorization)) }
            guard target.hasPrefix("127.0.0.1:"), let port = UInt16(target.dropFirst("127.0.0.1:".count)),
                let upstream = Self.connectLoopback(port: port)
            else {
                client.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            }
            defer { close(upstream) }
            guard client.write("HTTP/1.1 200 Connection established\r\n\r\n") else { return }
            Self.relay(client, upstream: upstream)
        }
        self.tunnels = tunnels
    }

    var port: Int { server.port }
    /// Every CONNECT received, in order.
    var connects: [Tunnel] { tunnels.value }

    func stop() { server.stop() }

    private static func connectLoopback(port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Copies bytes both ways until one side closes or 10 s pass without traffic.
    private static func relay(_ client: LoopbackConnection, upstream: Int32) {
        let early = client.takeBuffered()
        if !early.isEmpty, !sendAll(upstream, early) { return }
        var descriptors = [
            pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: upstream, events: Int16(POLLIN), revents: 0),
        ]
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let ready = poll(&descriptors, 2, 10_000)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return }
            for (from, to) in [(0, 1), (1, 0)] where descriptors[from].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { recv(descriptors[from].fd, $0.baseAddress!, $0.count, 0) }
                guard count > 0, sendAll(descriptors[to].fd, chunk[..<count]) else { return }
            }
        }
    }

    private static func sendAll(_ fd: Int32, _ bytes: some Collection<UInt8>) -> Bool {
        Array(bytes).withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }
}

import Glibc

/// A loopback port whose SYNs are never answered: a listener with a backlog of
/// 0 whose one queue slot a connection of ours already fills, so Linux drops
/// every further SYN (the client keeps retransmitting, as it would towards a
/// firewall that drops packets).
package final class UnansweredSYNPort {
    package let port: Int
    private let listener: Int32
    private let filler: Int32

    package init() {
        (listener, port) = loopbackSocket(listening: true, backlog: 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        precondition(connected == 0, "filler connect failed: errno \(errno)")
    }

    deinit {
        close(filler)
        close(listener)
    }

    package var url: String { "http://127.0.0.1:\(port)/V4/JackPotWin" }
}

import Glibc

/// A loopback TCP port that refuses connections: a socket bound to an ephemeral
/// port but never listening. Holding it (instead of closing a probed port) means
/// no other test can take the port meanwhile; a connect gets RST, i.e. ECONNREFUSED.
final class ClosedPort {
    let port: Int
    private let descriptor: Int32

    init() {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        precondition(descriptor >= 0, "socket failed: errno \(errno)")
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        precondition(bound, "bind failed: errno \(errno)")
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }

    /// A JackPotWin URL on this port.
    var url: String { "http://127.0.0.1:\(port)/V4/JackPotWin" }
}

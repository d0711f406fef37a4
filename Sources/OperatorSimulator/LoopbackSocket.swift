import Glibc

/// A TCP socket bound to 127.0.0.1 on an ephemeral port (each caller its own),
/// listening (with `backlog`) or not, with the port the kernel chose.
package func loopbackSocket(listening: Bool, backlog: Int32 = 64) -> (descriptor: Int32, port: Int) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    precondition(descriptor >= 0, "socket failed: errno \(errno)")
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ready = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 && (!listening || listen(descriptor, backlog) == 0)
                && getsockname(descriptor, $0, &length) == 0
        }
    }
    precondition(ready, "bind/listen failed: errno \(errno)")
    return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
}

import Glibc
import JackpotConfiguration

/// The listener's socket, bound and listening before libmicrohttpd takes it
/// (`MHD_OPTION_LISTEN_SOCKET`): one path for TCP and unix sockets, and the
/// real port known when the config says 0.
struct ListenSocket {
    let descriptor: Int32
    /// Where clients connect, e.g. `127.0.0.1:8470`, with the port the kernel chose for 0.
    let boundAddress: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(_ address: IngestListenAddress, backlog: Int32) throws(Failure) {
        let failure = { @Sendable (what: String) in
            Failure(description: "cannot \(what) \(address): \(String(cString: strerror(errno)))")
        }
        switch address {
        case .inet(let host, let port):
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &socketAddress.sin_addr)
            let descriptor = try Self.bind(family: AF_INET, &socketAddress, backlog: backlog, failure)
            self.descriptor = descriptor
            var bound = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &bound) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            boundAddress = "\(host):\(UInt16(bigEndian: bound.sin_port))"
        case .inet6(let host, let port):
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = port.bigEndian
            inet_pton(AF_INET6, host, &socketAddress.sin6_addr)
            let descriptor = try Self.bind(family: AF_INET6, &socketAddress, backlog: backlog, failure)
            self.descriptor = descriptor
            var bound = sockaddr_in6()
            var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            _ = withUnsafeMutablePointer(to: &bound) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            boundAddress = "[\(host)]:\(UInt16(bigEndian: bound.sin6_port))"
        case .unix(let path):
            // A socket file left by an earlier run would make bind fail; anything else at the path is not ours to remove.
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK { unlink(path) }
            var socketAddress = sockaddr_un()
            socketAddress.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &socketAddress.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
            }
            descriptor = try Self.bind(family: AF_UNIX, &socketAddress, backlog: backlog, failure)
            // The platform's user reaches it through the group, as with the outbox's directory.
            chmod(path, 0o660)
            boundAddress = path
        }
    }

    private static func bind<Address>(
        family: Int32, _ address: inout Address, backlog: Int32, _ failure: (String) -> Failure
    ) throws(Failure) -> Int32 {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw failure("open a socket for") }
        if family != AF_UNIX {
            var on: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard bound == 0 else {
            let error = failure("listen on")
            close(descriptor)
            throw error
        }
        guard listen(descriptor, backlog) == 0 else {
            let error = failure("listen on")
            close(descriptor)
            throw error
        }
        return descriptor
    }
}

import Glibc
import JackpotConfiguration

/// The listener's socket, bound and listening before libmicrohttpd takes it
/// (`MHD_OPTION_LISTEN_SOCKET`): one path for IPv4, IPv6 and unix sockets,
/// and the real port known when the config says 0.
package struct ListenSocket {
    package let descriptor: Int32
    /// Where clients connect, e.g. `127.0.0.1:8470` or `[::1]:8470`, with the port the kernel chose for 0.
    package let boundAddress: String

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package init(_ address: IngestListenAddress, backlog: Int32) throws(Failure) {
        let failure = { @Sendable (what: String) in
            Failure(description: "cannot \(what) \(address): \(String(cString: strerror(errno)))")
        }
        switch address {
        case .inet(let host, let port), .inet6(let host, let port):
            // The config checked that the host is a numeric address of its family:
            // getaddrinfo only fills in the sockaddr, for either family alike.
            var hints = addrinfo()
            hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var found: UnsafeMutablePointer<addrinfo>?
            let resolved = getaddrinfo(host, String(port), &hints, &found)
            defer { if let found { freeaddrinfo(found) } }
            guard resolved == 0, let info = found?.pointee, let socketAddress = info.ai_addr else {
                throw Failure(description: "cannot listen on \(address): \(String(cString: gai_strerror(resolved)))")
            }
            descriptor = try Self.bind(family: info.ai_family, socketAddress, length: info.ai_addrlen, backlog: backlog, failure)
            let host = info.ai_family == AF_INET6 ? "[\(host)]" : host
            boundAddress = "\(host):\(Self.boundPort(descriptor))"
        case .unix(let path):
            // A socket file left by an earlier run would make bind fail; anything else at the path is not ours to remove.
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK { unlink(path) }
            var socketAddress = sockaddr_un()
            socketAddress.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &socketAddress.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
            }
            descriptor = try withUnsafePointer(to: &socketAddress) { (pointer) throws(Failure) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (address) throws(Failure) in
                    try Self.bind(
                        family: AF_UNIX, address, length: socklen_t(MemoryLayout<sockaddr_un>.size), backlog: backlog, failure)
                }
            }
            // The platform's user reaches it through the group, as with the outbox's directory.
            chmod(path, 0o660)
            boundAddress = path
        }
    }

    private static func bind(
        family: Int32, _ address: UnsafePointer<sockaddr>, length: socklen_t, backlog: Int32, _ failure: (String) -> Failure
    ) throws(Failure) -> Int32 {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw failure("open a socket for") }
        if family != AF_UNIX {
            var on: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        guard Glibc.bind(descriptor, address, length) == 0, listen(descriptor, backlog) == 0 else {
            let error = failure("listen on")
            close(descriptor)
            throw error
        }
        return descriptor
    }

    /// The port a TCP socket is bound to, IPv4 or IPv6.
    private static func boundPort(_ descriptor: Int32) -> UInt16 {
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        return withUnsafeMutablePointer(to: &bound) { storage in
            _ = storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            switch Int32(storage.pointee.ss_family) {
            case AF_INET6:
                return storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            default:
                return storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
        }
    }
}

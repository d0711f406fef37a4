import Glibc
import OperatorSimulator

/// A loopback TCP port that refuses connections: a socket bound to an ephemeral
/// port but never listening. Holding it (instead of closing a probed port) means
/// no other test can take the port meanwhile; a connect gets RST, i.e. ECONNREFUSED.
final class ClosedPort {
    let port: Int
    private let descriptor: Int32

    init() {
        (descriptor, port) = loopbackSocket(listening: false)
    }

    deinit { close(descriptor) }

    /// A JackPotWin URL on this port.
    var url: String { "http://127.0.0.1:\(port)/V4/JackPotWin" }
}

import Glibc

/// A loopback port that completes the TCP handshake but never accepts: the
/// kernel queues the connection and takes the request bytes, nobody answers.
package final class AcceptButSilentPort {
    package let port: Int
    private let descriptor: Int32

    package init() {
        (descriptor, port) = loopbackSocket(listening: true)
    }

    deinit { close(descriptor) }

    package var url: String { "http://127.0.0.1:\(port)/V4/JackPotWin" }
}

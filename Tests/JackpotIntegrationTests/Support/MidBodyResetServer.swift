import Glibc
import OperatorSimulator

/// A loopback HTTP server that reads each request in full, sends a 200 head
/// promising a body, the first bytes of that body, and then resets the connection
/// (SO_LINGER 0): the answer breaks off mid-body. The scripted operator's
/// faults reset before any byte is sent; this one is for the case in between.
final class MidBodyResetServer {
    /// What each connection gets before the reset: a head promising 200 bytes, then 24 of them.
    static let partialAnswer =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"transactionId\":\"tx-99"

    private let server: ThreadedLoopbackServer
    private let connections: Locked<Int>

    init() {
        let connections = Locked(0)
        self.connections = connections
        server = ThreadedLoopbackServer { [connections] connection in
            connections.withLock { $0 += 1 }
            guard connection.readRequest() != nil else { return }
            connection.write(Self.partialAnswer)
            // Let the partial answer reach the client before the reset overtakes it.
            usleep(100_000)
            connection.reset()
        }
    }

    /// Requests (connections) received so far.
    var requestCount: Int { connections.value }

    var url: String { "\(server.baseURL)/V4/JackPotWin" }

    /// Stops accepting and joins the threads. Idempotent.
    func stop() { server.stop() }
}

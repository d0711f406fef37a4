import Synchronization
import OperatorSimulator

/// Answers the first request on each connection and keeps the connection
/// alive; every later request on a reused connection is read in full,
/// recorded, and answered with a TCP reset and not one byte. A client that
/// retries such a request on a fresh connection must send the whole body again.
/// Every body received is recorded, in arrival order.
final class KeepAliveResetServer: Sendable {
    private let server: ThreadedLoopbackServer
    private let received: Locked<[[UInt8]]>
    private let resets: Locked<Int>

    /// With `warmConnections`, the first answers wait until that many connections
    /// have a request in: calls made at once then leave that many connections
    /// alive in the client's pool, each of which resets the next request sent on it.
    init(warmConnections: Int = 0) {
        let received = Locked<[[UInt8]]>([])
        let resets = Locked(0)
        let connected = Locked(0)
        let warm = Gate()
        if warmConnections == 0 { warm.open() }
        server = ThreadedLoopbackServer { connection in
            var served = 0
            while let request = connection.readRequest() {
                received.withLock { $0.append(request.body) }
                guard served == 0 else {
                    resets.withLock { $0 += 1 }
                    connection.reset()
                    return
                }
                if connected.withLock({ count in
                    count += 1
                    return count
                }) == warmConnections {
                    warm.open()
                }
                warm.wait()
                served += 1
                let answer = keepAliveAnswer("{\"error\":0,\"transactionId\":\"tx-\(request.body.count)\"}")
                guard connection.write(answer) else { return }
            }
        }
        self.received = received
        self.resets = resets
    }

    var url: String { server.baseURL + "/V4/JackPotWin" }
    /// Every request body read, in arrival order.
    var bodies: [[UInt8]] { received.value }
    /// Requests answered with a reset (each on a reused connection).
    var resetCount: Int { resets.value }

    func stop() { server.stop() }
}

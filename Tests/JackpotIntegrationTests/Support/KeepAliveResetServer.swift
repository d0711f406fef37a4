import Synchronization
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
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

    init() {
        let received = Locked<[[UInt8]]>([])
        let resets = Locked(0)
        server = ThreadedLoopbackServer { connection in
            var served = 0
            while let request = connection.readRequest() {
                received.withLock { $0.append(request.body) }
                guard served == 0 else {
                    resets.withLock { $0 += 1 }
                    connection.reset()
                    return
                }
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

import Synchronization
import JackpotDelivery
import JackpotWire

/// An in-memory `HTTPTransport` that answers from a closure, for driving the
/// dispatcher without sockets. It counts the calls it was handed, so a test can
/// compare what reached the "network" with what the attempt log says.
final class ScriptedTransport: HTTPTransport {
    typealias Answer = @Sendable (_ request: HTTPRequestData, _ callNumber: Int) -> HTTPExchangeResult

    private let calls = Mutex<[String: Int]>([:])
    private let answer: Answer

    init(_ answer: @escaping Answer) { self.answer = answer }

    func send(_ request: HTTPRequestData, timeoutSeconds: Double) async -> HTTPExchangeResult {
        let number = calls.withLock { calls -> Int in
            calls[request.url, default: 0] += 1
            return calls.values.reduce(0, +)
        }
        return answer(request, number)
    }

    /// Calls made to `url` so far.
    func callCount(url: String) -> Int { calls.withLock { $0[url] ?? 0 } }

    /// A wallet's success answer with a transaction id derived from the call.
    static func confirmed(_ transactionId: String) -> HTTPExchangeResult {
        .success(
            HTTPResponseData(
                status: 200, headers: ["content-type": "application/json"],
                body: Array(
                    "{\"transactionId\":\"\(transactionId)\",\"currency\":\"EUR\",\"error\":0,\"description\":\"Success\"}".utf8))
        )
    }
}

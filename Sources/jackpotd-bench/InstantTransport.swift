import JackpotDelivery
import JackpotWire

/// Answers every call at once with a confirmation, without any I/O.
struct InstantTransport: HTTPTransport {
    static let answer = HTTPResponseData(
        status: 200, headers: ["content-type": "application/json"],
        body: Array(
            #"{"transactionId":"12345","currency":"EUR","cash":"100.00","bonus":"0","error":0,"description":"Success"}"#.utf8))

    func send(_ request: HTTPRequestData, timeoutSeconds: Double) async -> HTTPExchangeResult {
        .success(Self.answer)
    }
}

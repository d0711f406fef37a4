/// One misbehaviour the scripted operator can show for one request.
///
/// Each case mirrors something real wallets do in production, so the daemon's
/// retry, timeout and exactly-once logic can be exercised over real sockets.
/// Whether a fault credits the win matters: the ones that credit and then lose
/// the answer are exactly the cases idempotency on `reference` exists for.
package enum OperatorFault: Sendable, Hashable {
    /// Answers this HTTP status with this body; no credit.
    case status(Int, body: String)
    /// HTTP 200 with `{"error":N,"description":…}`; no credit.
    case errorCode(Int, description: String)
    /// This status (typically 429 or 503) with a `Retry-After` header; no credit.
    case retryAfter(status: Int, value: String)
    /// Credits normally, then waits before answering: past the client's timeout
    /// the answer is lost but the credit is not.
    case delayThenAnswer(seconds: Double)
    /// Never answers; holds the connection until `stop()` or the client closes it.
    case hang
    /// Closes the connection with a TCP reset (SO_LINGER 0) without crediting.
    case resetBeforeAnswer
    /// Credits, then resets the connection: the answer is lost, the credit is not.
    case creditThenReset
    /// HTTP 200 with this body verbatim (e.g. `<html>oops</html>`); no credit.
    case garbage(String)
    /// HTTP 200 with `{"transactionId": "12` and a Content-Length matching that text; no credit.
    case truncatedJSON
    /// HTTP 200 `{"error":0,"description":"Success"}` without a transaction id; no credit.
    case noTransactionId
    /// HTTP 200 with a body of this many bytes, streamed in chunks; no credit.
    case hugeBody(bytes: Int)
    /// HTTP 302 with this `Location`; no credit.
    case redirect(location: String)
}

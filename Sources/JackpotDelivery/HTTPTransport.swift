import JackpotWire
/// One HTTP exchange with an operator, behind a protocol so the dispatcher can
/// be driven by a scripted transport in tests as well as by real HTTP.
package protocol HTTPTransport: Sendable {
    /// Sends `request` and returns what came back. Never throws: every failure is
    /// a value the outcome classifier turns into a retry reason.
    func send(_ request: HTTPRequestData, timeoutSeconds: Double) async -> HTTPExchangeResult

    /// Where the calls over this transport should run: the transport's own
    /// thread when it has one (a call's work between answers is short), nil
    /// for the global executor.
    var callExecutor: (any TaskExecutor)? { get }
}

extension HTTPTransport {
    package var callExecutor: (any TaskExecutor)? { nil }
}

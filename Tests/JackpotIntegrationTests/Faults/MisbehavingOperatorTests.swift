import Foundation
import Testing
import JackpotStore
import OperatorSimulator
import TestSupport

/// Operators that answer badly, through the real dispatcher and CurlTransport: each
/// fault leaves its win retried (or parked) with a clear reason in the attempt
/// log, and a healthy operator beside it gets every win delivered, once.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct MisbehavingOperatorTests {
    /// A fault the scripted wallet injects into the first call, and the words the
    /// attempt log must use for it. The second call is answered properly.
    struct OneTimeFault: Sendable, CustomTestStringConvertible {
        let fault: OperatorFault
        let detail: String
        /// The wallet credited during the faulty call (its answer was lost).
        var creditedDuringFault = false
        var testDescription: String { "\(fault)" }
    }

    static let oneTimeFaults: [OneTimeFault] = [
        OneTimeFault(fault: .garbage("<html><body><h1>502 Bad Gateway</h1></body></html>"), detail: "unparseable body"),
        OneTimeFault(fault: .truncatedJSON, detail: "unparseable body"),
        OneTimeFault(fault: .noTransactionId, detail: "no transactionId in the answer"),
        OneTimeFault(fault: .status(500, body: "Internal Server Error"), detail: "HTTP 500"),
        OneTimeFault(fault: .status(404, body: "<html>Not Found</html>"), detail: "HTTP 404"),
        OneTimeFault(
            fault: .errorCode(1, description: "Temporary failure\nplease retry"),
            detail: "error 1: Temporary failure please retry"),
        OneTimeFault(fault: .retryAfter(status: 503, value: "0"), detail: "HTTP 503, Retry-After 0s"),
        OneTimeFault(fault: .hang, detail: "timeout"),
        OneTimeFault(fault: .resetBeforeAnswer, detail: "connection failed"),
        OneTimeFault(fault: .creditThenReset, detail: "connection failed", creditedDuringFault: true),
        OneTimeFault(fault: .delayThenAnswer(seconds: 2), detail: "timeout", creditedDuringFault: true),
    ]

    @Test(arguments: oneTimeFaults)
    func faultyAnswerIsRetriedWithItsReasonAndTheNextCallDelivers(_ scenario: OneTimeFault) async throws {
        let flaky = try ScriptedOperator(secret: FaultyOperatorRig.secret)
        defer { flaky.stop() }
        flaky.enqueueFaults([scenario.fault])
        let rig = try FaultyOperatorRig(flakyURL: flaky.url)
        try await rig.start(flakyReferences: ["flaky-1"])

        #expect(try await rig.steadyAllDelivered())
        #expect(try await eventually(within: 20) { try rig.probe.win("flaky-1")?.state == .delivered })
        let attempts = try rig.probe.attempts("flaky-1")
        #expect(attempts.count == 2)
        #expect(attempts.first?.outcome == "retry")
        #expect(attempts.first?.detail.contains(scenario.detail) == true, "detail: \(attempts.first?.detail ?? "none")")
        #expect(attempts.last?.outcome == "delivered")
        let credit = try #require(flaky.credit(for: "flaky-1"))
        #expect(try rig.probe.win("flaky-1")?.transactionId == credit.transactionId)
        // A lost answer means the wallet saw the win twice: its idempotency makes it one credit.
        #expect(credit.timesReceived == (scenario.creditedDuringFault ? 2 : 1))
        #expect(flaky.snapshot.credited == 1)
        let problems = try await rig.finish(flakyReferences: ["flaky-1"], flakyWallet: flaky)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func redirectIsNeverFollowedAndItsTargetReceivesNothing() async throws {
        let target = try ScriptedOperator(secret: FaultyOperatorRig.secret)
        let flaky = try ScriptedOperator(secret: FaultyOperatorRig.secret)
        defer { target.stop(); flaky.stop() }
        flaky.setFaultPlan { _ in .redirect(location: target.url) }
        let rig = try FaultyOperatorRig(flakyURL: flaky.url)
        try await rig.start(flakyReferences: ["flaky-1"])

        #expect(try await rig.steadyAllDelivered())
        #expect(try await eventually { try rig.probe.attempts("flaky-1").count >= 3 })
        let win = try #require(try rig.probe.win("flaky-1"))
        #expect(Self.stillBeingRetried(win), "\(win.state)")
        // Another port is another server: its path is not shown.
        #expect(
            win.lastError?.contains("HTTP 302 redirect to http://127.0.0.1:\(target.port)/*** (not followed)") == true,
            "\(win.lastError ?? "none")")
        #expect(try rig.probe.attempts("flaky-1").allSatisfy { $0.outcome == "retry" && $0.httpStatus == 302 })
        #expect(target.snapshot.requests == 0, "the redirect target must never be called")

        // Once the wallet stops redirecting, the same win goes through at its own URL.
        flaky.setFaultPlan(nil)
        #expect(try await eventually { try rig.probe.win("flaky-1")?.state == .delivered })
        #expect(target.snapshot.requests == 0)
        let problems = try await rig.finish(flakyReferences: ["flaky-1"], flakyWallet: flaky)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func connectionRefusedIsRetriedThenTheCircuitOpensWithoutTouchingTheHealthyOperator() async throws {
        let closed = ClosedPort()
        let rig = try FaultyOperatorRig(
            flakyURL: closed.url, flakyExtra: #""circuit": {"failureThreshold": 3, "openSeconds": 30}"#)
        try await rig.start(flakyReferences: ["flaky-1", "flaky-2"])

        #expect(try await rig.steadyAllDelivered())
        #expect(try await eventually { try rig.probe.circuitState("flaky") == .open })
        // Claimed wins go back to pending once the circuit is open: they wait without burning attempts.
        #expect(
            try await eventually {
                try ["flaky-1", "flaky-2"].allSatisfy { try rig.probe.win($0)?.state == .pending }
            })
        for reference in ["flaky-1", "flaky-2"] {
            let win = try #require(try rig.probe.win(reference))
            #expect(win.lastError?.hasPrefix("connection failed:") == true, "\(win.lastError ?? "none")")
            for attempt in try rig.probe.attempts(reference) {
                #expect(attempt.outcome == "retry")
                #expect(attempt.httpStatus == nil)
                #expect(attempt.detail.hasPrefix("connection failed:"), "\(attempt.detail)")
            }
        }
        let attemptsWhileOpen = try rig.probe.attempts("flaky-1").count + rig.probe.attempts("flaky-2").count
        #expect(attemptsWhileOpen >= 3 && attemptsWhileOpen <= 4, "an open circuit stops burning attempts")
        let problems = try await rig.finish(flakyReferences: ["flaky-1", "flaky-2"])
        #expect(problems.isEmpty, "\(problems)")
        withExtendedLifetime(closed) {}  // refusing until the end
    }

    @Test func answerResetMidBodyIsATransportFailureNeverADelivery() async throws {
        let server = MidBodyResetServer()
        defer { server.stop() }
        let rig = try FaultyOperatorRig(flakyURL: server.url)
        try await rig.start(flakyReferences: ["flaky-1"])

        #expect(try await rig.steadyAllDelivered())
        #expect(try await eventually { try rig.probe.attempts("flaky-1").count >= 2 })
        let win = try #require(try rig.probe.win("flaky-1"))
        #expect(Self.stillBeingRetried(win), "\(win.state)")
        #expect(win.transactionId == nil, "half an answer with a transactionId prefix is no confirmation")
        for attempt in try rig.probe.attempts("flaky-1") {
            #expect(attempt.outcome == "retry")
            #expect(
                attempt.detail.hasPrefix("connection failed:") || attempt.detail.hasPrefix("transport error:"),
                "\(attempt.detail)")
        }
        #expect(server.requestCount >= 2)
        let problems = try await rig.finish(flakyReferences: ["flaky-1"])
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test(.enabled(if: UntrustedTLSServer.opensslPath != nil, "needs openssl for a self-signed server"))
    func untrustedCertificateIsATLSFailureAndIsNeverBypassed() async throws {
        let certificates = TemporaryDirectory()
        let server = try #require(try UntrustedTLSServer(in: certificates))
        let rig = try FaultyOperatorRig(flakyURL: server.url)
        try await rig.start(flakyReferences: ["flaky-1"])

        #expect(try await rig.steadyAllDelivered())
        #expect(try await eventually { try rig.probe.attempts("flaky-1").count >= 2 })
        let win = try #require(try rig.probe.win("flaky-1"))
        #expect(Self.stillBeingRetried(win), "\(win.state)")
        for attempt in try rig.probe.attempts("flaky-1") {
            #expect(attempt.outcome == "retry")
            #expect(attempt.httpStatus == nil, "no HTTP exchange happens over an untrusted connection")
            #expect(attempt.detail.hasPrefix("TLS failure: "), "\(attempt.detail)")
            #expect(attempt.detail.contains("SSL certificate problem: self-signed certificate"), "\(attempt.detail)")
        }
        let problems = try await rig.finish(flakyReferences: ["flaky-1"])
        #expect(problems.isEmpty, "\(problems)")
        withExtendedLifetime(server) {}  // serving until the end
    }

    /// Waiting for its next attempt, or in it: neither parked nor delivered.
    static func stillBeingRetried(_ win: StoredWin) -> Bool {
        win.state == .pending || win.state == .sending
    }
}

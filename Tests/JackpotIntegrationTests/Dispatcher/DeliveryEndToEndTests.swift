import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// The real dispatcher over real HTTP on loopback against a scripted operator
/// that verifies the hash and credits each reference once: healthy, flaky and
/// throttling operators. Assertions are on the outbox and the operator's books.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DeliveryEndToEndTests {
    static let secret = "s3cret-key"

    @Test(arguments: [false, true])
    func healthyOperatorIsCreditedOncePerWinAndItsIdsAreStoredExactly(numericTransactionIds: Bool) async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: Self.secret, numericTransactionIds: numericTransactionIds)
        defer { wallet.stop() }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: Self.secret, extra: fastDelivery(concurrency: 8))
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let wins = winReferences("batch", 200)
        try probe.enqueue(wins, operator: "casino-a", amount: "55.5")

        let daemon = try RunningDispatcher(configPath: config)
        let allDelivered = try await eventually { try probe.count(.delivered) == wins.count }
        try await daemon.stop()

        #expect(allDelivered)
        let stored = try probe.wins()
        #expect(stored.count == wins.count)
        for win in stored {
            let credit = try #require(wallet.credit(for: win.reference))
            #expect(win.state == .delivered)
            #expect(win.transactionId == credit.transactionId)
            #expect(win.attempts == 1)
            #expect(win.currency == "EUR")
            #expect(win.cash == "55.5")
            #expect(credit.amount == "55.5")
            #expect(credit.timesReceived == 1)
        }
        let snapshot = wallet.snapshot
        #expect(snapshot.credited == wins.count)
        #expect(snapshot.duplicates == 0)
        #expect(snapshot.hashFailures == 0)
        #expect(try probe.attemptCount() == wins.count)
        if numericTransactionIds {
            // 2^53 + 1 onwards: a float anywhere on the way would round these.
            let expected = Set((0..<UInt64(wins.count)).map { String(9_007_199_254_740_993 + $0) })
            #expect(Set(stored.compactMap(\.transactionId)) == expected)
        } else {
            #expect(stored.allSatisfy { $0.transactionId?.hasPrefix("tx-") == true })
        }
    }

    @Test func flakyOperatorCreditsEveryWinExactlyOnceWithBackOffInTheAttemptLog() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        // The first 60 requests cycle through faults (one in six answered normally);
        // afterwards the operator is healthy, so every win can get through.
        let cycle: [OperatorFault?] = [
            .resetBeforeAnswer, .creditThenReset, .status(500, body: "{\"error\":1,\"description\":\"Internal\"}"),
            nil, .errorCode(100, description: "Temporary wallet error"), .delayThenAnswer(seconds: 1.5),
        ]
        wallet.setFaultPlan { number in number <= 60 ? cycle[(number - 1) % cycle.count] : nil }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "flaky", url: wallet.url, secret: Self.secret,
                    extra: fastDelivery(
                        timeoutSeconds: 1, concurrency: 6,
                        retry: "\"initialDelaySeconds\": 0.05, \"multiplier\": 2, \"maxDelaySeconds\": 0.4, \"jitter\": 0",
                        extra: "\"circuit\": {\"openSeconds\": 0.2, \"maxOpenSeconds\": 0.4}"))
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let wins = winReferences("flaky", 24)
        try probe.enqueue(wins, operator: "flaky")

        let daemon = try RunningDispatcher(configPath: config)
        let allDelivered = try await eventually(within: 60) { try probe.count(.delivered) == wins.count }
        try await daemon.stop()

        #expect(allDelivered)
        let snapshot = wallet.snapshot
        #expect(snapshot.credited == wins.count)
        #expect(snapshot.hashFailures == 0)
        #expect(snapshot.faultsInjected == 50)
        for reference in wins {
            let win = try #require(try probe.win(reference))
            let credit = try #require(wallet.credit(for: reference))
            #expect(win.state == .delivered)
            #expect(win.transactionId == credit.transactionId)
            #expect(win.lastError == nil)
            let attempts = try probe.attempts(reference)
            #expect(attempts.count == win.attempts)
            #expect(attempts.last?.outcome == "delivered")
            #expect(attempts.dropLast().allSatisfy { $0.outcome == "retry" })
        }
        // Every kind of fault reached the classifier and was logged as a retry.
        let retried = try probe.query("SELECT http_status, error_code, detail FROM attempts WHERE outcome = 'retry'")
        #expect(retried.contains { $0.int("http_status") == 500 })
        #expect(retried.contains { $0.int("error_code") == 100 })
        #expect(retried.contains { $0.string("detail") == "timeout" })

        // Back-off: each retry of a win starts no earlier than the previous
        // attempt's end plus the doubling delay (jitter 0: 50, 100, 200, 400 ms).
        let busiest = try #require(try wins.max { try probe.attempts($0).count < probe.attempts($1).count })
        let attempts = try probe.attempts(busiest)
        try #require(attempts.count >= 3)
        for (previous, next) in zip(attempts, attempts.dropFirst()) {
            let delayMs = min(50 * pow(2, Double(previous.attempt - 1)), 400)
            let previousEnd = Double(previous.startedAt) + previous.durationMs
            // 2 ms for the millisecond rounding of the stored times.
            #expect(Double(next.startedAt) - previousEnd >= delayMs - 2, "attempt \(next.attempt) of \(busiest)")
        }
    }

    @Test(arguments: [429, 503])
    func retryAfterSetsTheNextAttemptAndTheWinIsThenDelivered(status: Int) async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        wallet.enqueueFaults([.retryAfter(status: status, value: "2")])
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "busy", url: wallet.url, secret: Self.secret, extra: fastDelivery())
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        try probe.enqueue(["throttled-1"], operator: "busy")

        let daemon = try RunningDispatcher(configPath: config)
        // Read the schedule while the win waits: the back-off alone would be 50 ms.
        let waiting = try await eventually {
            try probe.win("throttled-1")?.state == .pending && probe.attempts("throttled-1").count == 1
        }
        let scheduled = try probe.win("throttled-1")
        let delivered = try await eventually(within: 15) { try probe.win("throttled-1")?.state == .delivered }
        try await daemon.stop()

        #expect(waiting)
        #expect(delivered)
        let attempts = try probe.attempts("throttled-1")
        try #require(attempts.count == 2)
        #expect(attempts[0].outcome == "retry")
        #expect(attempts[0].httpStatus == status)
        #expect(attempts[0].detail.contains("Retry-After 2s"))
        let nextAttemptAt = try #require(scheduled?.nextAttemptAt)
        #expect(nextAttemptAt - attempts[0].startedAt >= 2000)
        #expect(attempts[1].startedAt >= nextAttemptAt)
        #expect(attempts[1].outcome == "delivered")
        #expect(try probe.win("throttled-1")?.transactionId == wallet.credit(for: "throttled-1")?.transactionId)
    }

    @Test func noRetryErrorCodeParksTheWinFailedAfterOneAttempt() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        wallet.enqueueFaults([.errorCode(120, description: "Player is blocked")])
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "strict", url: wallet.url, secret: Self.secret, extra: fastDelivery())
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        try probe.enqueue(["blocked-1"], operator: "strict")

        let daemon = try RunningDispatcher(configPath: config)
        let parked = try await eventually { try probe.win("blocked-1")?.state == .failed }
        // A later win goes through: the dispatcher kept running, and the parked
        // win was not sent again meanwhile.
        try probe.enqueue(["after-1"], operator: "strict")
        let nextDelivered = try await eventually { try probe.win("after-1")?.state == .delivered }
        try await daemon.stop()

        #expect(parked)
        #expect(nextDelivered)
        let win = try #require(try probe.win("blocked-1"))
        #expect(win.state == .failed)
        #expect(win.attempts == 1)
        #expect(win.lastError?.contains("120") == true)
        let attempts = try probe.attempts("blocked-1")
        #expect(attempts.count == 1)
        #expect(attempts.first?.outcome == "failed")
        #expect(attempts.first?.errorCode == 120)
        #expect(wallet.snapshot.requests == 2)
        #expect(wallet.credit(for: "blocked-1") == nil)
    }

    /// Runs on a manual clock so that max age is an exact matter, not a race.
    /// The clock starts 10 s in the past: the CLI's `retry` stamps wall-clock
    /// times, which then lie after enqueue and before the dispatcher's "now".
    @Test func maxAgeParksWinsAndRetryDeliversThemOnceTheOperatorIsHealthy() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: Self.secret)
        defer { wallet.stop() }
        wallet.setFaultPlan { _ in .status(500, body: "{\"error\":1,\"description\":\"down\"}") }
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "down", url: wallet.url, secret: Self.secret,
                    extra: fastDelivery(concurrency: 2, retry: fastRetry + ", \"maxAgeHours\": 1"))
            ])
        let database = directory.path("outbox.sqlite3")
        let probe = OutboxProbe(database)
        let clock = ManualClock(startingAt: WallClock.nowMilliseconds() - 10_000)
        let wins = winReferences("old", 20)
        try probe.enqueue(wins, operator: "down", now: clock.now)

        // The outage: one failed attempt each, then an hour passes.
        let daemon = try RunningDispatcher(configPath: config, clock: clock.function)
        let triedOnce = try await eventually { try probe.attemptCount() == wins.count && probe.count(.pending) == wins.count }
        try #require(triedOnce, "\(daemon.log)")
        clock.advance(milliseconds: 3_600_001)
        let parked = try await eventually { try probe.count(.failed) == wins.count }
        #expect(parked)
        for reference in wins {
            let win = try #require(try probe.win(reference))
            #expect(win.lastError?.contains("maxAgeHours (1 h)") == true)
            #expect(win.attempts == 1)
            #expect(wallet.credit(for: reference) == nil)
        }

        // The operator is back; ops retry one win, and it goes at once.
        wallet.setFaultPlan(nil)
        let one = await runCLI(["retry", wins[0], "--db", database])
        #expect(one.code == .success, "\(one.errors)")
        let first = try await eventually { try probe.win(wins[0])?.state == .delivered }
        #expect(first)

        // The rest in bulk, while the operator is paused: the max-age sweep that
        // runs before they are sent again must leave retried wins alone.
        let pause = await runCLI(["pause", "down", "--db", database])
        #expect(pause.code == .success, "\(pause.errors)")
        clock.advance(milliseconds: 600)
        let paused = await eventually { daemon.logged("operator_paused", "operator=down") }
        #expect(paused)
        let all = await runCLI(["retry", "--operator", "down", "--state", "failed", "--db", database])
        #expect(all.output.contains("19 failed wins of down due now"), "\(all.output)\(all.errors)")
        #expect(await runCLI(["resume", "down", "--db", database]).code == .success)
        clock.advance(milliseconds: 600)
        let delivered = try await eventually { try probe.count(.delivered) == wins.count }
        try await daemon.stop()
        let parkedAgain = try probe.count(.failed)

        #expect(delivered, "\(parkedAgain) parked again")
        for reference in wins {
            let credit = try #require(wallet.credit(for: reference))
            #expect(try probe.win(reference)?.transactionId == credit.transactionId)
            #expect(credit.timesReceived == 1)
        }
    }
}

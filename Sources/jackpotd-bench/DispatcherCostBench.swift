import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// Where the dispatcher's own CPU per win goes, beside the dispatch figures.
///
/// First the real `DeliveryService` with a transport that answers every call
/// at once: no HTTP, no operator, so its CPU per win is the dispatcher's alone.
/// Then each stage of a delivery, run alone over as many wins on a fresh
/// outbox, in the order the dispatcher runs them: the claim (`UPDATE …
/// RETURNING` in batches of the operator's concurrency), building each request
/// (decode the row, encode the body, hash), classifying the answer (parse,
/// scrub), recording the result (attempt row, win update, fsynced commits of
/// 32), and the attempt's log line (formatted, discarded). What the stages do
/// not add up to is the hand-offs between threads and the loop's bookkeeping.
struct DispatcherCostBench {
    let options: BenchOptions
    let scratch: ScratchDirectory
    let secret = "bench-secret-a"

    func run() async throws -> [Figure] {
        let count = options.dispatchWins
        var config = OperatorConfig(name: "casino-a", url: "https://wallet.casino-a.example/V4/JackPotWin", secret: secret)
        config.concurrency = options.concurrency
        let alone = try await instantDispatcher(config: config, count: count)
        let stages = try stageCosts(config: config, count: count)
        let total = stages.reduce(0) { $0 + $1.microseconds }
        return [Figure("dispatcher alone, transport answering at once (\(count) wins)", value: alone, unit: "µs/win")]
            + stages.map { Figure("  \($0.name)", value: $0.microseconds, unit: "µs/win") }
            + [Figure("  the stages together", value: total, unit: "µs/win", baselineName: "dispatcher alone", baseline: alone)]
    }

    /// CPU per win of the whole dispatcher over an instant transport.
    private func instantDispatcher(config: OperatorConfig, count: Int) async throws -> Double {
        let directory = try scratch.subdirectory("dispatcher-cost")
        let database = directory + "/outbox.sqlite3"
        let wins = SampleWins.make(count: count, operator: config.name, prefix: "cost-", now: WallClock.nowMilliseconds())
        _ = try Outbox(path: database).enqueue(wins, operatorsChecked: true)
        let daemonConfig = BenchOperator.daemonConfig(database: database, operators: [config])
        let (_, _, cpu) = try await ProcessCPU.measure {
            try await DeliveryRun.deliver(
                databasePath: database, config: daemonConfig, until: [config.name: count], transport: InstantTransport())
        }
        return cpu.seconds * 1e6 / Double(count)
    }

    private func stageCosts(config: OperatorConfig, count: Int) throws -> [(name: String, microseconds: Double)] {
        let directory = try scratch.subdirectory("dispatcher-stages")
        let outbox = try Outbox(path: directory + "/outbox.sqlite3")
        _ = try outbox.enqueue(
            SampleWins.make(count: count, operator: config.name, prefix: "stage-", now: WallClock.nowMilliseconds()),
            operatorsChecked: true)
        let now = WallClock.nowMilliseconds()  // every win due
        let owner = "bench:stages"

        var claimed: [StoredWin] = []
        let claim = try cpuPerWin(count) {
            while true {
                let batch = try outbox.database.transactionWithoutSync {
                    try outbox.claim(
                        operator: config.name, limit: config.concurrency, owner: owner, leaseExpiresAt: now + 60_000, now: now)
                }
                if batch.isEmpty { break }
                claimed += batch
            }
        }
        guard claimed.count == count else { throw BenchFailure("stage claim: \(claimed.count) of \(count) wins claimed") }

        var requests: [WireRequest] = []
        let build = try cpuPerWin(count) {
            for stored in claimed {
                requests.append(
                    try WireRequest.build(win: try stored.win(), providerId: BenchOperator.providerId, operator: config))
            }
        }

        let answer = HTTPExchangeResult.success(InstantTransport.answer)
        let scrubber = SecretScrubber(hiding: [secret])
        var outcomes: [AttemptOutcome] = []
        let classify = try cpuPerWin(count) {
            for stored in claimed {
                let outcome = AttemptOutcome.classify(
                    answer, noRetryErrorCodes: config.noRetryErrorCodes, alreadyCreditedErrorCodes: [], now: .now)
                _ = scrubber.adding(stored.token.map { [$0] } ?? []).scrubbed(outcome.summary)
                outcomes.append(outcome)
            }
        }
        guard requests.count == count, outcomes.count == count else { throw BenchFailure("stage build/classify fell short") }

        let record = try cpuPerWin(count) {
            for start in stride(from: 0, to: count, by: 32) {
                let outcomes = claimed[start..<min(start + 32, count)].map { stored in
                    RecordedOutcome(
                        winId: stored.id,
                        attempt: AttemptRecord(
                            winId: stored.id, attempt: 1, startedAt: now, durationMs: 0.4, httpStatus: 200, errorCode: nil,
                            outcome: "delivered", detail: "delivered, transactionId 12345", responseHead: nil, daemon: owner),
                        change: .delivered(Confirmation(transactionId: "12345", currency: "EUR")))
                }
                try outbox.database.transaction { try outbox.record(outcomes, owner: owner, now: now) }
            }
        }
        let delivered = try outbox.database.queryScalar("SELECT count(*) FROM wins WHERE state = 'delivered'").integerValue
        guard delivered == Int64(count) else { throw BenchFailure("stage record: \(delivered ?? 0) of \(count) wins delivered") }

        let logger = Logger.bench
        let log = try cpuPerWin(count) {
            for stored in claimed {
                logger.info(
                    "attempt",
                    [
                        "operator": .string(config.name), "reference": .string(stored.reference), "attempt": .int(1),
                        "status": "200", "duration_ms": .double(0.4), "outcome": "delivered",
                        "detail": "delivered, transactionId 12345",
                    ])
            }
        }
        return [
            ("claim (UPDATE … RETURNING, batches of \(config.concurrency), rows decoded)", claim),
            ("build the request (decode the win, encode, hash)", build),
            ("classify the answer (parse, scrub)", classify),
            ("record (attempt row, win update, fsync per 32)", record),
            ("log line (logfmt, discarded)", log),
        ]
    }

    /// This process's CPU per win over `body`, which handles `count` wins.
    private func cpuPerWin(_ count: Int, _ body: () throws -> Void) throws -> Double {
        let start = ProcessCPU.now()
        try body()
        return (ProcessCPU.now() - start).seconds * 1e6 / Double(count)
    }
}

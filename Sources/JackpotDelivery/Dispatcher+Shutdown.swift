import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire
import Synchronization

/// Stopping cleanly, and the Prometheus file.
extension Dispatcher {
    /// Lets the calls in flight finish within the grace period, then cancels the rest.
    func stopCalls(group: inout DiscardingTaskGroup) async {
        let grace = control.withLock { $0.config.shutdownGraceSeconds }
        logger.info("stopping", ["in_flight": .int(Int64(calls.count)), "grace_seconds": .double(grace)])
        for lane in allLanes() { lane.withState { $0.stopping = true } }
        group.addTask { [calls] in
            // Cancelled as soon as the last call ends; either way the wait below is over.
            try? await Task.sleep(for: .milliseconds(Int64(grace * 1000)))
            calls.stopWaiting()
        }
        if await !calls.waitUntilIdle() {
            logger.warning("grace_period_over", ["cancelled_calls": .int(Int64(calls.count))])
        }
        group.cancelAll()
    }

    /// Stores every result and hands back every unsent claim, retrying storage a few times.
    /// When that never succeeds, each confirmation about to be dropped is named
    /// at error level, and `run` ends with `UnrecordedConfirmationsError`.
    func finish(_ store: DispatcherStore) async {
        for attempt in 1...20 {
            do {
                try await store.finish(now: clock())
                logger.info("stop", ["daemon": .string(owner.description)])
                return
            } catch {
                logger.error("storage_error", ["error": .string(String(describing: error)), "attempt": .int(Int64(attempt))])
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        let dropped = await store.unrecordedConfirmations()
        for (report, confirmation) in dropped {
            logger.error("confirmation_not_recorded", [
                "operator": .string(report.operatorName), "reference": .string(report.win.stored.reference),
                "transaction_id": .string(confirmation.transactionId),
                "note": "the operator credited this win, the outbox does not say so: it is sent again (the operator answers from its idempotency on reference) unless reconciled first",
            ])
        }
        droppedConfirmations.store(dropped.count, ordering: .relaxed)
        logger.error("stop", ["daemon": .string(owner.description), "unrecorded_confirmations": .int(Int64(dropped.count))])
    }

    /// The confirmations among the results not stored.
    func unrecordedConfirmations(_ loop: LoopState) -> [(AttemptReport, Confirmation)] {
        loop.unrecorded.compactMap { report in
            guard case .delivered(let confirmation) = report.outcome else { return nil }
            return (report, confirmation)
        }
    }

    func finish(_ outbox: Outbox, _ loop: inout LoopState, now: Int64) throws {
        try record(outbox, &loop, now: now)
        try outbox.releaseAll(owner: owner.description, now: now)
    }

    func writeMetrics(_ outbox: Outbox, to path: String, now: Int64) throws {
        try refreshMetrics(outbox, now: now)
        do {
            try AtomicFile.write(metrics.render(), to: path)
        } catch {
            logger.error("metrics_write_failed", ["path": .string(path), "error": .string(String(describing: error))])
        }
    }

    /// Sets the gauges from the outbox, for the textfile and the ingest listener's `/metrics`.
    func refreshMetrics(_ outbox: Outbox, now: Int64) throws {
        let snapshot = try outbox.statusSnapshot(now: now)
        metrics.resetGauges(named: MetricNames.wins)
        metrics.resetGauges(named: MetricNames.oldestPendingAgeSeconds)
        metrics.resetGauges(named: MetricNames.consecutiveRefusals)
        metrics.resetGauges(named: MetricNames.operatorSecretInUse)
        for count in snapshot.counts {
            metrics.gauge(MetricNames.wins, help: "Wins in the outbox by operator and state.",
                          labels: ["operator": count.operatorName, "state": count.state.rawValue], set: Double(count.count))
        }
        for lane in allLanes() {
            // Zero series for every configured operator: an alert on a change
            // (`delta`, `increase`) sees nothing when a series appears at its first
            // failure, so the first failed win would never fire JackpotdWinsFailed.
            for state in WinState.allCases where snapshot.count(state, operator: lane.name) == 0 {
                metrics.gauge(MetricNames.wins, help: "Wins in the outbox by operator and state.",
                              labels: ["operator": lane.name, "state": state.rawValue], set: 0)
            }
            for outcome in ["delivered", "retry", "failed"] {
                metrics.counter(MetricNames.attemptsTotal, help: "Calls made to operators, by outcome.",
                                labels: ["operator": lane.name, "outcome": outcome], add: 0)
            }
            let age = snapshot.oldestPendingCreatedAt[lane.name].map { Double(max(0, now - $0)) / 1000 } ?? 0
            metrics.gauge(MetricNames.oldestPendingAgeSeconds, help: "Age of the oldest pending win.",
                          labels: ["operator": lane.name], set: age)
            let (open, paused, rateLimited, secretInUse) = lane.withState {
                ($0.breaker.state != .closed, $0.paused, $0.rateLimitedSince != nil, $0.secretInUse)
            }
            metrics.gauge(MetricNames.operatorRateLimited, help: "1 while the operator's rate limit holds due wins back.",
                          labels: ["operator": lane.name], set: rateLimited ? 1 : 0)
            if let secretInUse {
                for choice in SecretChoice.allCases {
                    metrics.gauge(MetricNames.operatorSecretInUse,
                                  help: "1 for the secret the operator's wallet last accepted during a secret rotation.",
                                  labels: ["operator": lane.name, "secret": choice.rawValue], set: choice == secretInUse ? 1 : 0)
                }
            }
            metrics.gauge(MetricNames.circuitOpen, help: "1 while the operator's circuit is open or half-open.",
                          labels: ["operator": lane.name], set: open ? 1 : 0)
            metrics.gauge(MetricNames.operatorPaused, help: "1 while the operator is paused by ops.",
                          labels: ["operator": lane.name], set: paused ? 1 : 0)
            let refusal = snapshot.operators[lane.name]?.refusal
            metrics.gauge(MetricNames.consecutiveRefusals,
                          help: "Consecutive wins the operator refused with the same error code.",
                          labels: ["operator": lane.name, "error_code": refusal.map { String($0.code) } ?? ""],
                          set: Double(refusal?.wins ?? 0))
        }
        metrics.resetGauges(named: MetricNames.unconfiguredPendingWins)
        let configured = control.withLock { Array($0.config.operators.keys) }
        for (name, count) in snapshot.unconfiguredPending(configured: configured) {
            metrics.gauge(MetricNames.unconfiguredPendingWins, help: "Pending wins of operators not in the config: nothing sends them.",
                          labels: ["operator": name], set: Double(count))
        }
        metrics.gauge(MetricNames.transactionIdMismatchWins,
                      help: "Delivered wins a repeat delivery confirmed under another transactionId (the first is kept).",
                      labels: [:], set: Double(snapshot.transactionIdMismatches))
        metrics.gauge(MetricNames.metricsWrittenTimestampSeconds, help: "When this file was written.",
                      labels: [:], set: Double(now) / 1000)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}

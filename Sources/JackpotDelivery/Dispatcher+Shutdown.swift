import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire
import Synchronization

/// Stopping cleanly, and the Prometheus file.
extension Dispatcher {
    /// Lets the calls in flight finish within the grace period, then cancels the
    /// rest. When the task is cancelled (a hard stop), cancels them at once: each
    /// ends as an attempt to retry, the operator's idempotency on `reference`
    /// answering for any it had already credited, as after a crash.
    func stopCalls(group: inout DiscardingTaskGroup) async {
        for lane in allLanes() { lane.withState { $0.stopping = true } }
        if Task.isCancelled {
            logger.warning("cancelled", ["in_flight": .int(Int64(calls.count))])
            group.cancelAll()
            return
        }
        let grace = control.withLock { $0.config.shutdownGraceSeconds }
        logger.info("stopping", ["in_flight": .int(Int64(calls.count)), "grace_seconds": .double(grace)])
        group.addTask { [calls] in
            // Cancelled as soon as the last call ends; either way the wait below is over.
            try? await Task.sleep(for: .milliseconds(Int64(grace * 1000)))
            calls.stopWaiting()
        }
        // Returns false at once, too, when the task is cancelled during the grace period.
        if await !calls.waitUntilIdle() {
            logger.warning("grace_period_over", ["cancelled_calls": .int(Int64(calls.count))])
        }
        group.cancelAll()
    }

    /// Stores every result and hands back every unsent claim, retrying storage a few times.
    /// When that never succeeds, each confirmation about to be dropped is named
    /// at error level, and `run` ends with `UnrecordedConfirmationsError`.
    /// After a hard stop it tries once: a store that fails now leaves the leases
    /// to expire, and the wins are sent again, as after a crash.
    func finish(_ store: DispatcherStore) async {
        for attempt in 1...(Task.isCancelled ? 1 : 20) {
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
            logger.error(
                "confirmation_not_recorded",
                [
                    "operator": .string(report.operatorName), "reference": .string(report.win.stored.reference),
                    "transaction_id": .string(confirmation.transactionId),
                    "note":
                        "the operator credited this win, the outbox does not say so: it is sent again (the operator answers from its idempotency on reference) unless reconciled first",
                ])
        }
        droppedConfirmations.store(dropped.count, ordering: .relaxed)
        logger.error("stop", ["daemon": .string(owner.description), "unrecorded_confirmations": .int(Int64(dropped.count))])
    }

    /// Sets the gauges from the outbox, for the textfile and the ingest listener's `/metrics`.
    func refreshMetrics(_ outbox: Outbox, now: Int64) throws {
        let snapshot = try outbox.statusSnapshot(now: now, deliveryPace: false)
        metrics.resetGauges(DaemonMetrics.wins)
        metrics.resetGauges(DaemonMetrics.oldestPendingAgeSeconds)
        metrics.resetGauges(DaemonMetrics.consecutiveRefusals)
        metrics.resetGauges(DaemonMetrics.operatorSecretInUse)
        for count in snapshot.counts {
            metrics.gauge(
                DaemonMetrics.wins,
                labels: ["operator": count.operatorName, "state": count.state.rawValue], set: Double(count.count))
        }
        let counts = snapshot.countsByOperator()
        for lane in allLanes() {
            // Zero series for every configured operator: an alert on a change
            // (`delta`, `increase`) sees nothing when a series appears at its first
            // failure, so the first failed win would never fire JackpotdWinsFailed.
            for state in WinState.allCases where counts[lane.name]?[state] == nil {
                metrics.gauge(
                    DaemonMetrics.wins,
                    labels: ["operator": lane.name, "state": state.rawValue], set: 0)
            }
            for outcome in ["delivered", "retry", "failed"] {
                metrics.counter(
                    DaemonMetrics.attemptsTotal,
                    labels: ["operator": lane.name, "outcome": outcome], add: 0)
            }
            let age = snapshot.oldestPendingCreatedAt[lane.name].map { Double(max(0, now - $0)) / 1000 } ?? 0
            metrics.gauge(
                DaemonMetrics.oldestPendingAgeSeconds,
                labels: ["operator": lane.name], set: age)
            let (open, paused, rateLimited, secretInUse) = lane.read {
                ($0.breaker.state != .closed, $0.paused, $0.rateLimitedSince != nil, $0.secretInUse)
            }
            metrics.gauge(
                DaemonMetrics.operatorRateLimited,
                labels: ["operator": lane.name], set: rateLimited ? 1 : 0)
            if let secretInUse {
                for choice in SecretChoice.allCases {
                    metrics.gauge(
                        DaemonMetrics.operatorSecretInUse,
                        labels: ["operator": lane.name, "secret": choice.rawValue], set: choice == secretInUse ? 1 : 0)
                }
            }
            metrics.gauge(
                DaemonMetrics.circuitOpen,
                labels: ["operator": lane.name], set: open ? 1 : 0)
            metrics.gauge(
                DaemonMetrics.operatorPaused,
                labels: ["operator": lane.name], set: paused ? 1 : 0)
            let refusal = snapshot.operators[lane.name]?.refusal
            metrics.gauge(
                DaemonMetrics.consecutiveRefusals,
                labels: ["operator": lane.name, "error_code": refusal.map { String($0.code) } ?? ""],
                set: Double(refusal?.wins ?? 0))
        }
        metrics.resetGauges(DaemonMetrics.unconfiguredPendingWins)
        let configured = control.withLock { Array($0.config.operators.keys) }
        for (name, count) in snapshot.unconfiguredPending(configured: configured) {
            metrics.gauge(
                DaemonMetrics.unconfiguredPendingWins,
                labels: ["operator": name], set: Double(count))
        }
        metrics.gauge(
            DaemonMetrics.transactionIdMismatchWins,
            labels: [:], set: Double(snapshot.transactionIdMismatches))
        metrics.gauge(
            DaemonMetrics.metricsWrittenTimestampSeconds,
            labels: [:], set: Double(now) / 1000)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}

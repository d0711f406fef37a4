import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// Stopping cleanly, and the Prometheus file.
extension Dispatcher {
    func shutdown(_ outbox: Outbox, _ loop: inout LoopState) async {
        let grace = control.withLock { $0.config.shutdownGraceSeconds }
        logger.info("stopping", ["in_flight": .int(Int64(global.inUse)), "grace_seconds": .double(grace)])
        for lane in allLanes() { lane.withState { $0.stopping = true } }
        let deadline = ContinuousClock.now + .milliseconds(Int64(grace * 1000))
        while tasks.withLock({ !$0.isEmpty }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let unfinished = tasks.withLock { Array($0.values) }
        if !unfinished.isEmpty {
            logger.warning("grace_period_over", ["cancelled_calls": .int(Int64(unfinished.count))])
            for task in unfinished { task.cancel() }
            for task in unfinished { await task.value }
        }
        // Store every result, hand back every unsent claim; retry storage a few times.
        for attempt in 1...20 {
            do {
                try recordAndClaim(outbox, &loop, now: clock())
                try outbox.releaseAll(owner: owner.description, now: clock())
                break
            } catch {
                logger.error("storage_error", ["error": .string(String(describing: error)), "attempt": .int(Int64(attempt))])
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        if let file = settings.metricsFile { try? writeMetrics(outbox, to: file, now: clock()) }
        logger.info("stop", ["daemon": .string(owner.description)])
    }

    func writeMetrics(_ outbox: Outbox, to path: String, now: Int64) throws {
        let snapshot = try outbox.statusSnapshot(now: now)
        metrics.resetGauges(named: MetricNames.wins)
        metrics.resetGauges(named: MetricNames.oldestPendingAgeSeconds)
        for count in snapshot.counts {
            metrics.gauge(MetricNames.wins, help: "Wins in the outbox by operator and state.",
                          labels: ["operator": count.operatorName, "state": count.state.rawValue], set: Double(count.count))
        }
        for lane in allLanes() {
            let age = snapshot.oldestPendingCreatedAt[lane.name].map { Double(max(0, now - $0)) / 1000 } ?? 0
            metrics.gauge(MetricNames.oldestPendingAgeSeconds, help: "Age of the oldest pending win.",
                          labels: ["operator": lane.name], set: age)
            let (open, paused) = lane.withState { ($0.breaker.state != .closed, $0.paused) }
            metrics.gauge(MetricNames.circuitOpen, help: "1 while the operator's circuit is open or half-open.",
                          labels: ["operator": lane.name], set: open ? 1 : 0)
            metrics.gauge(MetricNames.operatorPaused, help: "1 while the operator is paused by ops.",
                          labels: ["operator": lane.name], set: paused ? 1 : 0)
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
        do {
            try AtomicFile.write(metrics.render(), to: path)
        } catch {
            logger.error("metrics_write_failed", ["path": .string(path), "error": .string(String(describing: error))])
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}

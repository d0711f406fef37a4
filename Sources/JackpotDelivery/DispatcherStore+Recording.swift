import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire
import Synchronization

/// Claiming due wins and storing what finished calls produced, on the store's queue.
extension DispatcherStore {
    /// Claims and records are two transactions, and only the record is fsynced:
    /// it is the operator's answer that must survive a power cut. A claim lost to
    /// one leaves its wins `pending`, and they are sent again, as after any crash.
    /// Committing the claim first, and starting its calls before the record,
    /// keeps the calls fed while the record's fsync runs.
    ///
    /// Stores finished attempts (once the oldest has waited `recordIntervalMilliseconds`,
    /// or when stopping; at most a `RecordSlice` per pass), released claims and changed circuits. Takes the changes
    /// of this pass's lanes (`everyLane`: of every lane, at the stop), then keeps
    /// what a look at each of them sees for the next pass.
    func record(now: Int64, everyLane: Bool = false) throws {
        let outbox = try openOutbox()
        let dispatcher = self.dispatcher
        if loop.unrecorded.isEmpty {
            loop.unrecordedSince = .now
            // The two arrays trade places (each keeps its capacity): thousands of
            // reports a second are not copied from one to the other.
            dispatcher.completed.withLock { swap(&loop.unrecorded, &$0) }
        } else {
            loop.unrecorded += dispatcher.completed.withLock { reports in
                defer { reports.removeAll(keepingCapacity: true) }
                return reports
            }
        }
        var circuits: [(String, CircuitBreaker)] = []
        var controls: [(String, (secretInUse: SecretChoice?, secretInUseSince: Int64?, rateLimitedSince: Int64?))] = []
        if everyLane { for lane in dispatcher.allLanes() { loop.touch(lane) } }
        for lane in loop.touched {
            let changes = lane.takeChanges()
            loop.unreleased += changes.releases
            if let circuit = changes.circuit { circuits.append((lane.name, circuit)) }
            if let shown = changes.controls { controls.append((lane.name, shown)) }
            loop.keep(lane.look(now: now), of: lane.index)
            loop.touchedSet.remove(lane.index)
        }
        loop.touched.removeAll(keepingCapacity: true)
        loop.unsendable += dispatcher.unsendable.withLock { wins in
            defer { wins.removeAll(keepingCapacity: true) }
            return wins
        }
        let resultsDue =
            !loop.unrecorded.isEmpty
            && (ContinuousClock.now - loop.unrecordedSince >= .milliseconds(dispatcher.settings.recordIntervalMilliseconds)
                || dispatcher.control.withLock { $0.stopRequested })
        guard resultsDue || !loop.unreleased.isEmpty || !loop.unsendable.isEmpty || !circuits.isEmpty || !controls.isEmpty
        else { return }

        let stopping = everyLane || dispatcher.control.withLock { $0.stopRequested }
        let recording = loop.unrecorded.prefix(RecordSlice.size(waiting: loop.unrecorded.count, stopping: stopping))
        var outcomes = recording.map { dispatcher.outcome(for: $0, now: now) }
        outcomes += loop.unreleased.map { RecordedOutcome(winId: $0.stored.id, attempt: nil, change: .released) }
        outcomes += loop.unsendable.map {
            RecordedOutcome(winId: $0.win.stored.id, attempt: nil, change: .failed(reason: $0.reason))
        }
        let write = {
            try outbox.record(outcomes, owner: dispatcher.owner.description, now: now)
            for (name, breaker) in circuits { try outbox.saveCircuit(operator: name, breaker, now: now) }
            for (name, shown) in controls {
                try outbox.saveControls(
                    operator: name, secretInUse: shown.secretInUse, secretInUseSince: shown.secretInUseSince,
                    rateLimitedSince: shown.rateLimitedSince, now: now)
            }
        }
        do {
            // Releases, unsendable wins and circuits alone may be lost in a power cut:
            // leases expire, the rows are found unsendable again, circuits re-learn.
            if recording.isEmpty {
                try outbox.write(durability: .withoutFsync, write)
            } else {
                try outbox.write(durability: .fsynced, write)
            }
        } catch {
            // Nothing was stored: put the circuits back as dirty and keep the results for the next try.
            for (name, _) in circuits { dispatcher.lanes.withLock { $0[name] }?.withState { $0.circuitDirty = true } }
            for (name, _) in controls { dispatcher.lanes.withLock { $0[name] }?.withState { $0.controlsDirty = true } }
            throw error
        }
        for (report, outcome) in zip(recording, outcomes) { dispatcher.logAttempt(report, outcome) }
        dispatcher.countAttempts(Array(recording), outcomes)
        for parked in loop.unsendable {
            dispatcher.logParked(
                operator: parked.win.stored.operatorName, reference: parked.win.stored.reference, reason: parked.reason)
        }
        for (name, breaker) in circuits where loop.loggedCircuits[name, default: .closed] != breaker.state {
            loop.loggedCircuits[name] = breaker.state
            let fields: KeyValuePairs<String, LogValue> = [
                "operator": .string(name), "state": .string(breaker.state.rawValue),
                "consecutive_failures": .int(Int64(breaker.consecutiveFailures)),
                "probe_at": .string(breaker.openUntil.flatMap { TimeFormat.iso8601($0.epochMilliseconds) } ?? "-"),
            ]
            if breaker.state == .closed {
                dispatcher.logger.info("circuit", fields)
            } else {
                dispatcher.logger.warning("circuit", fields)
            }
        }
        loop.unrecorded.removeFirst(recording.count)
        loop.unreleased.removeAll(keepingCapacity: true)
        loop.unsendable.removeAll(keepingCapacity: true)
    }

    /// Leases due wins to this pass's lanes with room; their calls build the requests.
    func claim(now: Int64) throws {
        let outbox = try openOutbox()
        let dispatcher = self.dispatcher
        let stopping = dispatcher.control.withLock { $0.stopRequested }
        var limits: [Int: (OperatorLane, Int)] = [:]
        var wanting = LaneSet(capacity: loop.nextLook.count)
        for lane in loop.touched {
            let look = lane.look(now: now)
            loop.keep(look, of: lane.index)
            if look.claimLimit > 0 && !stopping && lane.index < loop.nextLook.count {
                limits[lane.index] = (lane, look.claimLimit)
                wanting.insert(lane.index)
            }
        }
        guard !limits.isEmpty else { return }
        // A pass claims for a bounded number of lanes, quiet ones first (`ClaimTurn`);
        // the others claim in the next pass, which looks at them again.
        let recordsBehind = loop.unrecorded.count >= RecordSlice.maximumResults
        let chosen = loop.claimTurn.lanes(wanting: wanting, quiet: loop.quiet, recordsBehind: recordsBehind) {
            limits[$0]?.1 ?? 0
        }
        for index in chosen { wanting.remove(index) }
        loop.claimLeftOut = wanting
        let wants = chosen.compactMap { limits[$0] }
        var claimed: [(OperatorLane, [ReadyWin], Int, Int64?)] = []
        var parked: [(String, String, String)] = []
        try outbox.write(durability: .withoutFsync) {
            claimed = []
            parked = []
            for (lane, limit) in wants {
                let config = lane.config
                let leaseExpiresAt = now + Int64((config.timeoutSeconds * 3 + 30) * 1000)
                var ready: [ReadyWin] = []
                var expired: [RecordedOutcome] = []
                let wins = try outbox.claim(
                    operator: lane.name, limit: limit, owner: dispatcher.owner.description, leaseExpiresAt: leaseExpiresAt,
                    now: now)
                let policy = RetryPolicy(config.retry)
                for stored in wins {
                    // `WinExpirer` parks expired wins on its own schedule; one claimed
                    // before it came round is parked here rather than sent once more.
                    if policy.isExpired(
                        enqueuedAt: UTCTime(epochMilliseconds: stored.ageOrigin), now: UTCTime(epochMilliseconds: now))
                    {
                        let reason = "not delivered within maxAgeHours (\(Dispatcher.format(config.retry.maxAgeHours)) h)"
                        expired.append(RecordedOutcome(winId: stored.id, attempt: nil, change: .failed(reason: reason)))
                        parked.append((lane.name, stored.reference, reason))
                        continue
                    }
                    ready.append(ReadyWin(stored: stored, leaseExpiresAt: UTCTime(epochMilliseconds: leaseExpiresAt)))
                }
                try outbox.record(expired, owner: dispatcher.owner.description, now: now)
                // A full claim may have left more due wins behind: look again now, even
                // when expired rows (parked above) made the ready batch fall short.
                let nextDue = wins.count < limit ? try outbox.nextClaimTime(operator: lane.name) : now
                claimed.append((lane, ready, limit, nextDue))
            }
        }
        for (lane, ready, limit, nextDue) in claimed {
            let (wantsSlot, isQuiet) = lane.claimed(ready, requested: limit, nextDue: nextDue, now: now)
            loop.wantingSlots.set(lane.index, wantsSlot)
            loop.quiet.set(lane.index, isQuiet)
        }
        for (name, reference, reason) in parked { dispatcher.logParked(operator: name, reference: reference, reason: reason) }
    }
}

extension Dispatcher {
    /// A win parked as failed without a call: expired, or its request could not be built.
    func logParked(operator name: String, reference: String, reason: String) {
        logger.warning("win_failed", ["operator": .string(name), "reference": .string(reference), "reason": .string(reason)])
    }

    /// The win's next state after an attempt: `AttemptVerdict` decides.
    func outcome(for report: AttemptReport, now: Int64) -> RecordedOutcome {
        let lane = lanes.withLock { $0[report.operatorName] }
        let retrySettings = lane?.config.retry ?? RetrySettings()
        var record = AttemptRecord(
            winId: report.win.stored.id, attempt: report.attempt, startedAt: report.startedAt,
            durationMs: report.durationMs, httpStatus: report.httpStatus, errorCode: report.errorCode,
            outcome: report.outcome.outcomeLabel, detail: report.detail,
            responseHead: report.responseHead, daemon: owner.description, secret: report.secret)
        var random = SystemRandomNumberGenerator()
        let verdict = AttemptVerdict(
            after: report.outcome, attempt: report.attempt, policy: RetryPolicy(retrySettings),
            ageOrigin: UTCTime(epochMilliseconds: report.win.stored.ageOrigin),
            startedAt: UTCTime(epochMilliseconds: report.startedAt), duration: .milliseconds(report.durationMs),
            now: UTCTime(epochMilliseconds: now), using: &random)
        let change: RecordedOutcome.Change
        switch verdict {
        case .delivered(let confirmation):
            change = .delivered(confirmation)
        case .refused:
            change = .failed(reason: "\(report.detail) (a no-retry error code of this operator)")
        case .expired:
            record.outcome = "failed"
            change = .failed(
                reason: "not delivered within maxAgeHours (\(Self.format(retrySettings.maxAgeHours)) h); last: \(report.detail)")
        case .retry(let next):
            lane?.checkSoon(at: next.epochMilliseconds)
            change = .retry(nextAttemptAt: next.epochMilliseconds, reason: report.detail)
        }
        return RecordedOutcome(winId: record.winId, attempt: record, change: change, operatorName: report.operatorName)
    }

    /// Logs an attempt once it is stored.
    func logAttempt(_ report: AttemptReport, _ outcome: RecordedOutcome) {
        let label = Self.outcomeLabel(report, outcome)
        var fields: KeyValuePairs<String, LogValue> {
            [
                "operator": .string(report.operatorName), "reference": .string(report.win.stored.reference),
                "attempt": .int(Int64(report.attempt)), "status": .string(report.httpStatus.map(String.init) ?? "-"),
                "duration_ms": .double((report.durationMs * 10).rounded() / 10), "outcome": .string(label),
                "detail": .string(report.detail),
            ]
        }
        switch label {
        case "delivered": logger.info("attempt", fields)
        case "failed": logger.warning("attempt", fields)
        default: logger.info("attempt", fields)
        }
    }

    /// The attempts' metrics, one registry update per operator and outcome
    /// rather than one per attempt: each update takes the registry's lock and
    /// builds its label set.
    func countAttempts(_ reports: [AttemptReport], _ outcomes: [RecordedOutcome]) {
        struct Series: Hashable {
            let operatorName: String
            let outcome: String
        }
        var attempts: [Series: Double] = [:]
        var durations: [String: [Double]] = [:]
        for (report, outcome) in zip(reports, outcomes) {
            attempts[Series(operatorName: report.operatorName, outcome: Self.outcomeLabel(report, outcome)), default: 0] += 1
            durations[report.operatorName, default: []].append(report.durationMs / 1000)
        }
        for (series, count) in attempts {
            metrics.counter(
                DaemonMetrics.attemptsTotal,
                labels: ["operator": series.operatorName, "outcome": series.outcome], add: count)
        }
        for (operatorName, seconds) in durations {
            metrics.observe(DaemonMetrics.attemptDurationSeconds, labels: ["operator": operatorName], values: seconds)
        }
    }

    private static func outcomeLabel(_ report: AttemptReport, _ outcome: RecordedOutcome) -> String {
        outcome.attempt?.outcome ?? report.outcome.outcomeLabel
    }
}

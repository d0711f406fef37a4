import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire
import Synchronization

/// Starting calls and keeping their slots busy.
extension Dispatcher {
    /// A call to start: the win it begins with, the lane whose slot it holds,
    /// and when the lane let it go (the time its slot and rate-limit token were taken).
    package struct Launch: Sendable {
        let win: ReadyWin
        let lane: OperatorLane
        let permittedAt: Int64
    }

    /// A claimed win whose request could not be built (a bad row, or a dialect
    /// that refuses it): it is parked as failed without a call.
    struct UnsendableWin: Sendable {
        let win: ReadyWin
        let reason: String
    }

    /// Takes free slots, one call per operator in turn (`SlotTurn`), so that a
    /// global limit is shared fairly; the loop starts the calls.
    /// Only lanes that want a slot are offered one, as the last look at each saw them.
    func startCalls(_ loop: inout LoopState, now: Int64) -> [Launch] {
        let lanes = allLanes()
        global.clearStarved()
        var launches: [Launch] = []
        var turn = loop.slotTurn
        // Once only the global reserve is left, only quiet lanes are worth a look.
        var onlyReserveLeft = false
        turn.share(among: loop.wantingSlots, withoutCalls: loop.withoutCalls) { index, round in
            guard index < lanes.count, !onlyReserveLeft || loop.quiet.contains(index) else { return .nothing }
            let lane = lanes[index]
            loop.touch(lane)
            if case .lanesWithoutCalls = round, lane.hasCallsInFlight { return .nothing }
            if let (win, permittedAt) = lane.takeNext(now: now, global: global) {
                launches.append(Launch(win: win, lane: lane, permittedAt: permittedAt))
                return .took
            }
            // Starved: this lane (or a call ending meanwhile) found the global limit
            // reached; while the reserve is not, quiet lanes may still take it.
            guard global.isStarved, !global.hasRoom(quiet: false) else { return .nothing }
            guard global.hasRoom(quiet: true) else { return .slotsGone }
            onlyReserveLeft = true
            return .nothing
        }
        loop.slotTurn = turn
        return launches
    }

    func start(_ launch: Launch, in group: inout DiscardingTaskGroup) {
        calls.started()
        group.addTask(executorPreference: transport.callExecutor) { [self] in
            await call(launch.win, permittedAt: launch.permittedAt, on: launch.lane)
            calls.ended()
        }
    }

    /// One slot's calls: `first`, then this operator's next ready wins while there are any.
    /// Each request is built here, with the config of the moment.
    ///
    /// An attempt starts when the lane permits it: the time the rate limit counted
    /// its token is the attempt's `started_at`, so the attempt log alone proves the
    /// limit held, whatever the wait for a thread before the request left.
    private func call(_ first: ReadyWin, permittedAt firstPermit: Int64, on lane: OperatorLane) async {
        var next: ReadyWin? = first
        var permittedAt = firstPermit
        while let win = next {
            let (config, secrets, firstSecret) = lane.callSettings
            let providerId = control.withLock { $0.config.providerId }
            let now: Int64
            switch Result(catching: { try WireRequest.build(win: win.stored.win(), providerId: providerId, operator: config) }) {
            case .success(let request):
                let report: AttemptReport
                if let rotation = config.previousSecret, let previous = rotation.active(at: clock()) {
                    report = await callDuringRotation(
                        win, current: request, previousSecret: previous, first: firstSecret, providerId: providerId,
                        config: config, secrets: secrets, lane: lane, permittedAt: permittedAt)
                } else {
                    report = await AttemptReport.perform(
                        win, request: request.http, operatorConfig: config, operatorSecrets: secrets, transport: transport,
                        startedAt: permittedAt)
                }
                now = clock()
                // The report first: a record running in between then stores (and logs)
                // this attempt before the circuit change it causes, never after.
                completed.withLock { $0.append(report) }
                lane.finished(report.outcome, now: now, global: global)
            case .failure(let error):
                // Parked as failed by the next record; should that commit be lost,
                // the row is claimed and found unsendable again.
                now = clock()
                unsendable.withLock { $0.append(UnsendableWin(win: win, reason: "cannot be sent: \(error)")) }
                lane.notSent(global: global)
            }
            // Keep the slot busy with this operator's next ready win, unless
            // another operator is waiting for a global slot.
            let taken =
                global.isStarved || Task.isCancelled ? nil : lane.takeNext(now: now, global: global, fromCall: true)
            next = taken?.win
            permittedAt = taken?.permittedAt ?? now
            // Wake the loop only when it has something to do now: a call that
            // cannot go on (a slot to share, wins to release) or a batch to
            // claim. Results alone wait for a tick, to share a commit.
            if next == nil || lane.claimLimit(now: now) > 0 {
                wake.signal()
            } else {
                timer.fire(withinMilliseconds: settings.recordIntervalMilliseconds)
            }
        }
    }

    /// One attempt while the operator's previous secret is still valid: signed
    /// first with the secret the wallet last accepted; refused with the
    /// operator's `badHashErrorCode`, sent again at once signed with the other.
    /// Each secret's request is a pure function of the win, so every retry
    /// signed with the same secret sends the same bytes.
    private func callDuringRotation(
        _ win: ReadyWin, current: WireRequest, previousSecret: String, first: SecretChoice, providerId: String,
        config: OperatorConfig, secrets: SecretScrubber, lane: OperatorLane, permittedAt: Int64
    ) async -> AttemptReport {
        var signing = config
        signing.secret = previousSecret
        // Built from the same win and dialect as `current`, so it builds too; should it
        // not, the wallet gets the current secret alone.
        let previous = try? WireRequest.build(win: win.stored.win(), providerId: providerId, operator: signing)
        func send(_ choice: SecretChoice, startedAt: Int64) async -> AttemptReport {
            let request = choice == .previous ? previous?.http ?? current.http : current.http
            let report = await AttemptReport.perform(
                win, request: request, operatorConfig: config, operatorSecrets: secrets, transport: transport,
                startedAt: startedAt)
            return report.signed(with: previous == nil ? .current : choice)
        }
        let firstReport = await send(first, startedAt: permittedAt)
        if firstReport.isDelivered { lane.accepted(first, now: clock()) }
        guard previous != nil, firstReport.errorCode == config.badHashErrorCode else { return firstReport }
        metrics.counter(DaemonMetrics.secretFallbackCallsTotal, labels: ["operator": config.name])
        let secondReport = await send(first.other, startedAt: clock())
        if secondReport.isDelivered { lane.accepted(first.other, now: clock()) }
        return secondReport.following(firstReport, badHashCode: config.badHashErrorCode)
    }
}

extension Dispatcher {
    /// Every operator's lane, in name order.
    func allLanes() -> [OperatorLane] {
        lanesInOrder.withLock { $0 }
    }
}

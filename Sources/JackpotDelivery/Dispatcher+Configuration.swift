import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import Synchronization

/// Applying a configuration and the periodic chores: pause flags, lease
/// recovery, max age, and parking invalid rows.
extension Dispatcher {
    func configure(_ config: JackpotConfig, outbox: Outbox, now: Int64) throws {
        control.withLock { $0.config = config }
        global.setLimit(config.globalConcurrency)
        let stored = try outbox.operatorStates()
        lanes.withLock { lanes in
            for (name, operatorConfig) in config.operators {
                if let lane = lanes[name] {
                    lane.withState { state in
                        let previous = state.config
                        state.config = operatorConfig
                        state.applyControls(of: operatorConfig, previous: previous, now: now)
                        state.removed = false
                        state.nextCheckAt = now
                    }
                } else {
                    let breaker = stored[name]?.breaker(settings: operatorConfig.circuit) ?? CircuitBreaker(settings: operatorConfig.circuit)
                    let lane = OperatorLane(config: operatorConfig, breaker: breaker)
                    lane.withState { state in
                        state.paused = stored[name]?.paused ?? false
                        state.applyControls(of: operatorConfig, previous: nil, now: now)
                        // Overwrites what an earlier daemon left in `operators` for `status`.
                        state.controlsDirty = true
                    }
                    lanes[name] = lane
                }
            }
            for (name, lane) in lanes where config.operators[name] == nil {
                lane.withState { $0.removed = true }
            }
        }
        laneOrder.withLock { $0 = lanes.withLock { Array($0.keys).sorted() } }
        try outbox.ensureOperators(Array(config.operators.keys), now: now)
        logger.info("config", [
            "operators": .string(config.operators.keys.sorted().joined(separator: ",")),
            "concurrency": .int(Int64(config.globalConcurrency)),
        ])
    }

    func allLanes() -> [OperatorLane] {
        let order = laneOrder.withLock { $0 }
        return lanes.withLock { lanes in order.compactMap { lanes[$0] } }
    }

    func housekeeping(_ outbox: Outbox, _ loop: inout LoopState, now: Int64) throws {
        do {
            try outbox.database.requireNotMoved()
        } catch {
            throw DatabaseMovedError(underlying: error)
        }
        do {
            try outbox.database.requireWALInPlace()
        } catch {
            throw WALDeletedError(underlying: error)
        }
        let states = try outbox.operatorStates()
        for lane in allLanes() {
            let paused = states[lane.name]?.paused ?? false
            let changed = lane.withState { state -> Bool in
                defer { state.paused = paused }
                return state.paused != paused
            }
            if changed {
                logger.info(paused ? "operator_paused" : "operator_resumed", ["operator": .string(lane.name)])
                if !paused { lane.checkSoon(at: now) }
            }
        }
        try outbox.database.transaction {
            let recovered = try outbox.recoverLeases(now: now, isDead: owner.knowsDead)
            if !recovered.isEmpty {
                logger.warning("leases_recovered", ["count": .int(Int64(recovered.count))])
                for lane in allLanes() { lane.checkSoon(at: now) }
            }
            for lane in allLanes() {
                let config = lane.config
                let maxAgeMs = Int64(config.retry.maxAgeHours * 3_600_000)
                let expired = try outbox.expire(
                    operator: lane.name, createdBefore: now - maxAgeMs,
                    reason: "not delivered within maxAgeHours (\(Self.format(config.retry.maxAgeHours)) h)", now: now)
                for reference in expired {
                    logger.warning("win_failed", ["operator": .string(lane.name), "reference": .string(reference), "reason": "max age"])
                }
            }
        }
    }

    /// Rows checked per `validateNewRows` call: a few milliseconds of the store's
    /// thread, so claims and records wait at most that long behind a backlog.
    static let validationSliceRows = 500

    /// Checks the next slice of rows not yet validated (written by other
    /// processes, plain SQL included) and parks the invalid ones. True while
    /// more are left: the housekeeper calls again at once, and the loop's claims
    /// and records run in between, so a restart over a large backlog delivers
    /// from its first second instead of after checking every row.
    func validateNewRows(_ outbox: Outbox, _ loop: inout LoopState, now: Int64) throws -> Bool {
        guard loop.newRowsToValidate else { return false }
        let known = Set(control.withLock { $0.config.operators.keys })
        // A lost commit only means the rows are checked again.
        let more = try outbox.database.transactionWithoutSync {
            for parked in try outbox.parkInvalidNewWins(knownOperators: known, now: now, maximumRows: Self.validationSliceRows) {
                logger.warning("win_failed", ["reference": .string(parked.reference), "reason": .string(parked.reason)])
            }
            return try outbox.hasUnvalidatedWins()
        }
        loop.newRowsToValidate = more
        return more
    }
}

import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import Synchronization

/// Applying a configuration: a lane per operator, the global limit, a row per
/// operator in the outbox.
extension DispatcherStore {
    func configure(_ config: JackpotConfig, now: Int64) throws {
        let outbox = try openOutbox()
        dispatcher.control.withLock { $0.config = config }
        dispatcher.global.setLimit(config.globalConcurrency)
        let stored = try outbox.operatorStates()
        var added: [OperatorLane] = []
        dispatcher.lanes.withLock { lanes in
            for (name, operatorConfig) in config.operators {
                if let lane = lanes[name] {
                    lane.reconfigure(operatorConfig, now: now)
                } else {
                    let breaker =
                        stored[name]?.breaker(settings: operatorConfig.circuit)
                        ?? CircuitBreaker(settings: operatorConfig.circuit)
                    let lane = OperatorLane(
                        config: operatorConfig, breaker: breaker, paused: stored[name]?.paused ?? false, now: now,
                        news: dispatcher.news)
                    lanes[name] = lane
                    added.append(lane)
                }
            }
            for (name, lane) in lanes where config.operators[name] == nil {
                lane.withState { $0.removed = true }
            }
        }
        let ordered = dispatcher.lanes.withLock { lanes in lanes.keys.sorted().compactMap { lanes[$0] } }
        for (index, lane) in ordered.enumerated() { lane.index = index }
        dispatcher.lanesInOrder.withLock { $0 = ordered }
        loop.resize(lanes: ordered.count)
        try outbox.ensureOperators(Array(config.operators.keys), now: now)
        try seedQuiet(added, outbox: outbox, now: now)
        dispatcher.logger.info(
            "config",
            [
                "operators": .string(config.operators.keys.sorted().joined(separator: ",")),
                "concurrency": .int(Int64(config.globalConcurrency)),
            ])
    }

    /// Lanes that have not claimed yet start quiet when fewer of their wins are
    /// due than their first claim asks for (`LaneState.seedQuiet`), from one
    /// bounded count per operator. The pass after a configure looks at every
    /// lane (`LoopState.resize`), so its claim turn sees them quiet: a quiet
    /// operator's wins go in the first pass after a start, not after a round
    /// of a thousand backlogged lanes' claims; a backlogged lane stays in turn.
    private func seedQuiet(_ added: [OperatorLane], outbox: Outbox, now: Int64) throws {
        guard let largest = added.map({ $0.firstClaimSize(now: now) }).max() else { return }
        let due = try outbox.dueWinCounts(upTo: largest, now: now)
        for lane in added { lane.seedQuiet(dueWins: due[lane.name] ?? 0, now: now) }
    }
}

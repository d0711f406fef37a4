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
        dispatcher.lanes.withLock { lanes in
            for (name, operatorConfig) in config.operators {
                if let lane = lanes[name] {
                    lane.reconfigure(operatorConfig, now: now)
                } else {
                    let breaker =
                        stored[name]?.breaker(settings: operatorConfig.circuit)
                        ?? CircuitBreaker(settings: operatorConfig.circuit)
                    lanes[name] = OperatorLane(
                        config: operatorConfig, breaker: breaker, paused: stored[name]?.paused ?? false, now: now,
                        news: dispatcher.news)
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
        dispatcher.logger.info(
            "config",
            [
                "operators": .string(config.operators.keys.sorted().joined(separator: ",")),
                "concurrency": .int(Int64(config.globalConcurrency)),
            ])
    }
}

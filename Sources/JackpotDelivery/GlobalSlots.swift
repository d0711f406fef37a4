import Synchronization

/// The global limit on calls in flight across all operators.
final class GlobalSlots: Sendable {
    private struct State {
        var limit: Int
        var used = 0
        /// Set when some operator had work but no global slot: finishing calls then
        /// hand their slot back to the loop, which shares slots round-robin.
        var starved = false
    }
    private let state: Mutex<State>

    init(limit: Int) { state = Mutex(State(limit: limit)) }

    func tryAcquire() -> Bool {
        state.withLock { state in
            guard state.used < state.limit else {
                state.starved = true
                return false
            }
            state.used += 1
            return true
        }
    }

    func release() { state.withLock { $0.used -= 1 } }

    var isStarved: Bool { state.withLock { $0.starved } }

    func clearStarved() { state.withLock { $0.starved = false } }

    func setLimit(_ limit: Int) { state.withLock { $0.limit = limit } }

    var inUse: Int { state.withLock { $0.used } }
}

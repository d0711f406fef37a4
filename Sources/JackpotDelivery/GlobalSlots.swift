import Synchronization

/// The global limit on calls in flight across all operators.
///
/// The last `reserve` slots are kept for quiet lanes (`LaneState.isQuiet`:
/// no backlog): when a thousand operators' backlogs hold
/// every slot with slow calls (a wallet outage, a storm of TLS handshakes after
/// a start), a quiet operator's new win still finds a slot at once instead of
/// waiting seconds for one of theirs to end. The limit itself holds.
package final class GlobalSlots: Sendable {
    private struct State {
        var limit: Int
        var used = 0
        /// Set when some operator had work but no global slot: finishing calls then
        /// hand their slot back to the loop, which shares slots round-robin.
        var starved = false
    }
    private let state: Mutex<State>

    package init(limit: Int) { state = Mutex(State(limit: limit)) }

    /// Slots only quiet lanes may take: a sixteenth of the limit (64 of 1 024;
    /// none below 16, where one slot is a large share of a small limit).
    package static func reserve(of limit: Int) -> Int { limit / 16 }

    /// Takes a slot; a lane that is not quiet gets none of the reserve.
    package func tryAcquire(quiet: Bool) -> Bool {
        state.withLock { state in
            let cap = quiet ? state.limit : state.limit - Self.reserve(of: state.limit)
            guard state.used < cap else {
                state.starved = true
                return false
            }
            state.used += 1
            return true
        }
    }

    package func release() { state.withLock { $0.used -= 1 } }

    var isStarved: Bool { state.withLock { $0.starved } }

    func clearStarved() { state.withLock { $0.starved = false } }

    func setLimit(_ limit: Int) { state.withLock { $0.limit = limit } }

    package var inUse: Int { state.withLock { $0.used } }

    /// Whether a lane that is not quiet, or any lane (`quiet`), could take a slot now.
    package func hasRoom(quiet: Bool) -> Bool {
        state.withLock { state in
            state.used < (quiet ? state.limit : state.limit - Self.reserve(of: state.limit))
        }
    }
}

import Foundation
import Synchronization

/// SIGKILLs a child daemon the moment the scripted operator receives request N:
/// a crash test's kill tied to an event, not to a guess of how long delivery takes.
final class KillTrigger: Sendable {
    private struct State {
        var atRequest = Int.max
        var pid: pid_t?
        var reached = false
        var killed = false
    }

    private let state = Mutex(State())

    /// The next kill happens at request `number` (counted by the operator, 1-based).
    func arm(atRequest number: Int) {
        state.withLock { $0 = State(atRequest: number) }
    }

    /// The process to kill; killed now if its request already arrived.
    func target(_ pid: pid_t) {
        state.withLock { state in
            state.pid = pid
            if state.reached { fire(&state) }
        }
    }

    /// Called from the operator's fault plan for every request.
    func requestArrived(_ number: Int) {
        state.withLock { state in
            guard number >= state.atRequest else { return }
            state.reached = true
            if state.pid != nil { fire(&state) }
        }
    }

    var killed: Bool { state.withLock { $0.killed } }

    private func fire(_ state: inout State) {
        guard !state.killed, let pid = state.pid else { return }
        state.killed = true
        kill(pid, SIGKILL)
    }
}

import Foundation
import JackpotConfiguration
import JackpotStore
import JackpotTelemetry
import JackpotWire

/// Starting calls and keeping their slots busy.
extension Dispatcher {
    /// Starts calls for free slots, one operator at a time in rotation so that
    /// a global limit is shared fairly.
    func startCalls(_ loop: inout LoopState, now: Int64) {
        let lanes = allLanes()
        guard !lanes.isEmpty else { return }
        global.clearStarved()
        loop.rotation = (loop.rotation + 1) % lanes.count
        let rotated = Array(lanes[loop.rotation...] + lanes[..<loop.rotation])
        var progress = true
        while progress {
            progress = false
            for lane in rotated {
                if let win = lane.takeNext(now: now, global: global) {
                    launch(win, on: lane)
                    progress = true
                }
            }
        }
    }

    func launch(_ first: ReadyWin, on lane: OperatorLane) {
        let id = taskCounter.add(1, ordering: .relaxed).newValue
        // Registered under the lock the task's own removal takes: a call that ends
        // before `launch` returns must not leave a finished task behind, which
        // shutdown would then wait on for the whole grace period.
        tasks.withLock { tasks in
            tasks[id] = Task { [self] in
                var next: ReadyWin? = first
                while let win = next {
                    let report = await AttemptReport.perform(win, operatorConfig: lane.config, transport: transport, clock: clock)
                    let now = clock()
                    lane.finished(report.outcome, now: now, global: global)
                    completed.withLock { $0.append(report) }
                    // Keep the slot busy with this operator's next ready win, unless
                    // another operator is waiting for a global slot.
                    next = global.isStarved || Task.isCancelled ? nil : lane.takeNext(now: now, global: global)
                    // Wake the loop only when it has something to do now: a call that
                    // cannot go on (a slot to share, wins to release) or a batch to
                    // claim. Results alone wait for the next tick to share a commit.
                    if next == nil || lane.claimLimit(now: now) > 0 { wake.signal() }
                }
                _ = self.tasks.withLock { $0.removeValue(forKey: id) }
            }
        }
    }
}

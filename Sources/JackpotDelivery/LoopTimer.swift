import Dispatch
import Synchronization

/// Wakes the dispatcher loop when time-based work falls due: results waiting
/// for their shared commit, a retry, a circuit's probe. Everyone asks for "by
/// then at the latest" and the earliest request wins, so the loop sleeps as
/// long as nothing is due instead of ticking every few milliseconds, which an
/// idle daemon, or one whose calls all hang, would spend a core's share on.
final class LoopTimer: Sendable {
    /// Dispatch sources may be scheduled from any thread; this one is only ever
    /// scheduled under `deadline`'s lock, so requests cannot interleave.
    private nonisolated(unsafe) let source: DispatchSourceTimer
    /// The deadline the source is set for, until it fires.
    private let deadline = Mutex<DispatchTime?>(nil)

    init(onFire: @escaping @Sendable () -> Void) {
        source = DispatchSource.makeTimerSource(queue: .global())
        source.setEventHandler { [weak self] in
            self?.deadline.withLock { deadline in
                if let due = deadline, due <= .now() { deadline = nil }
            }
            onFire()
        }
        source.activate()
    }

    deinit {
        source.cancel()
    }

    /// Fires within `milliseconds`, or sooner if someone already asked for sooner.
    func fire(withinMilliseconds milliseconds: Int64) {
        let target = DispatchTime.now() + .milliseconds(Int(max(0, milliseconds)))
        deadline.withLock { deadline in
            if let due = deadline, due <= target { return }
            deadline = target
            source.schedule(deadline: target, leeway: .milliseconds(1))
        }
    }
}

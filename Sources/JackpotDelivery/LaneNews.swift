import Synchronization

/// The lanes something happened to since the dispatcher's loop last looked:
/// a call ended, a retry was scheduled, a reload, a pause, a stop. With the
/// lanes whose own time came (a retry or probe due, a token), they are what
/// a pass looks at, so a pass costs what happened, not the number of lanes:
/// with a thousand operators, looking at every lane in every pass was most of
/// what a new win waited for.
final class LaneNews: Sendable {
    private let posted = Mutex<[OperatorLane]>([])

    /// Notes that `lane` needs a look; the lane's own flag keeps it listed once.
    func post(_ lane: OperatorLane) {
        guard lane.flagNews() else { return }
        posted.withLock { $0.append(lane) }
    }

    /// The lanes posted since the last take, each unflagged first: news posted
    /// while the loop looks at them is listed again for the next pass.
    func take() -> [OperatorLane] {
        let lanes = posted.withLock { lanes in
            defer { lanes.removeAll(keepingCapacity: true) }
            return lanes
        }
        for lane in lanes { lane.clearNews() }
        return lanes
    }

    /// The lanes posted and not yet taken.
    func peek() -> [OperatorLane] { posted.withLock { $0 } }
}

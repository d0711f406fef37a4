/// Whose turn it is to start a call when calls compete for the global limit.
///
/// Each pass of the dispatcher first offers one call to every lane with none
/// in flight, so a quiet operator's new win takes the next free slot instead
/// of waiting for its turn among a thousand busy lanes; then it offers the
/// lanes one call each in turn, round after round, until the slots run out or
/// no lane takes one. The next pass goes on from the lane after the last one
/// served, so every lane with work is served once per round of the whole turn,
/// however few slots each pass frees. (Starting each pass one lane further
/// instead served the same few lanes after the starting point again and again:
/// with a thousand busy operators and a few dozen slots freed per pass, a lane
/// far from it waited seconds for a slot.)
package struct SlotTurn: Sendable {
    /// Which lanes a round offers a slot to.
    package enum Round: Sendable {
        /// Only lanes with no call in flight.
        case lanesWithoutCalls
        /// Every lane.
        case everyLane
    }

    /// What the lane offered a slot did.
    package enum Answer: Sendable {
        /// It started a call.
        case took
        /// It has nothing to start now (or, in the first round, has calls in flight).
        case nothing
        /// It could have started a call but the global limit is reached: the pass ends here.
        case slotsGone
    }

    /// The lane offered a slot first in the next pass (an index into the lanes in name order).
    package private(set) var next = 0

    package init() {}

    /// Offers slots to `count` lanes, every one of them a candidate in both rounds.
    package mutating func share(among count: Int, offer: (_ lane: Int, _ round: Round) -> Answer) {
        guard count > 0 else { return }
        var every = LaneSet(capacity: count)
        for lane in 0..<count { every.insert(lane) }
        next = next % count
        share(among: every, withoutCalls: every, offer: offer)
    }

    /// Offers slots to the lanes in `candidates` (those that may start a call;
    /// a lane left out is one that would answer `.nothing`): once to each of
    /// them also in `withoutCalls`, then in turn from `next` until a whole round
    /// of candidates goes by with none taken or `offer` answers `.slotsGone`;
    /// the candidate after the last served is first in the next pass. The work
    /// is proportional to the candidates, not to every lane.
    package mutating func share(
        among candidates: LaneSet, withoutCalls: LaneSet, offer: (_ lane: Int, _ round: Round) -> Answer
    ) {
        let order = candidates.inTurn(from: next)
        guard let first = order.first else { return }
        next = first
        for lane in order where withoutCalls.contains(lane) {
            if case .slotsGone = offer(lane, .lanesWithoutCalls) { return }
        }
        var position = 0
        var untakenInARow = 0
        while untakenInARow < order.count {
            switch offer(order[position], .everyLane) {
            case .took: untakenInARow = 0
            case .nothing: untakenInARow += 1
            case .slotsGone:
                next = order[position]
                return
            }
            position = (position + 1) % order.count
        }
        next = order[position]
    }
}

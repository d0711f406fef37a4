/// Which lanes claim in a pass of the dispatcher, when more lanes want to
/// claim than one pass should.
///
/// Every claim is a statement on the outbox, and the calls a pass starts
/// wait for all of its claims to commit. After a wallet outage a thousand
/// backlogged lanes each want a claim in every pass; claiming for all of them
/// made one pass last a second or more, and a quiet operator's new win waited
/// for the rest of that pass and all of the next. So a pass claims for at
/// most `budget` lanes: quiet lanes (no backlog: their new wins are what must
/// go at once) first, then the others in turn from where the last pass
/// stopped, so every backlogged lane claims once per round of the whole turn
/// however few each pass takes. A lane left out keeps its room and claims a
/// larger batch when its turn comes.
///
/// The backlogged lanes' claims are bounded in wins too (`winBudget`): a claim
/// costs per win, and 64 lanes of a dozen wins each made a claim of a third
/// of a second on a loaded 2-core machine, all of it waited for by a quiet
/// operator's new win that came meanwhile.
package struct ClaimTurn: Sendable {
    /// The most lanes one pass claims for: enough to keep the calls fed (a
    /// lane claims a batch up to its room, many wins each), few enough that
    /// a pass stays short.
    package static let defaultBudget = 64
    /// The most wins one pass claims for backlogged lanes, beyond the first
    /// such lane, which claims whatever its room (one fast operator's batch can
    /// be larger on its own).
    package static let defaultWinBudget = 384

    package let budget: Int
    package let winBudget: Int
    /// The lane first in line among the backlogged in the next pass (an index into the lanes in name order).
    package private(set) var next = 0

    package init(budget: Int = ClaimTurn.defaultBudget, winBudget: Int = ClaimTurn.defaultWinBudget) {
        precondition(budget > 0, "a pass must be able to claim for some lane")
        self.budget = budget
        self.winBudget = winBudget
    }

    /// The lanes to claim for this pass, out of `wanting` (lanes that want to
    /// claim now), quiet ones first: at most `budget`, unless more quiet lanes
    /// than that want to claim, which all do (quiet lanes are the few; no
    /// backlogged lane claims in such a pass). Backlogged lanes are taken in
    /// turn while their claims (`wins`: a lane's claim limit) fit in
    /// `winBudget` together, the first one whatever its claim. The turn moves
    /// past the last backlogged lane taken.
    ///
    /// While the records are behind (`recordsBehind`: more results wait than
    /// one record stores, `RecordSlice`), only quiet lanes claim: the loop
    /// stores results before it feeds the backlog more wins, so the results
    /// held in memory stay bounded however fast the calls end.
    package mutating func lanes(
        wanting: LaneSet, quiet: LaneSet, recordsBehind: Bool = false, wins: (Int) -> Int = { _ in 0 }
    ) -> [Int] {
        var chosen: [Int] = []
        var backlogged: [Int] = []
        for lane in wanting.inTurn(from: next) {
            if quiet.contains(lane) { chosen.append(lane) } else { backlogged.append(lane) }
        }
        let room = max(0, budget - chosen.count)
        guard room > 0, !backlogged.isEmpty, !recordsBehind else { return chosen }
        var taken = 0
        var claimed = 0
        for lane in backlogged.prefix(room) {
            let claim = wins(lane)
            guard taken == 0 || claimed + claim <= winBudget else { break }
            chosen.append(lane)
            taken += 1
            claimed += claim
            next = lane + 1
        }
        return chosen
    }
}

/// A set of lanes by their index in name order, as bits.
///
/// The dispatcher's pass keeps which lanes may start a call and which have
/// none in flight as two of these, so that handing out free slots visits
/// only those lanes instead of locking every lane of a thousand: walking the
/// bits of a thousand lanes is sixteen words.
package struct LaneSet: Sendable, Equatable {
    private var words: [UInt64]
    package private(set) var count = 0

    /// An empty set for lanes `0..<capacity`.
    package init(capacity: Int) {
        words = Array(repeating: 0, count: (max(0, capacity) + 63) / 64)
    }

    package var capacity: Int { words.count * 64 }

    package func contains(_ lane: Int) -> Bool {
        guard lane >= 0, lane < capacity else { return false }
        return words[lane / 64] & (1 << UInt64(lane % 64)) != 0
    }

    package mutating func insert(_ lane: Int) {
        precondition(lane >= 0 && lane < capacity, "lane \(lane) outside a set of \(capacity)")
        let bit: UInt64 = 1 << UInt64(lane % 64)
        guard words[lane / 64] & bit == 0 else { return }
        words[lane / 64] |= bit
        count += 1
    }

    package mutating func remove(_ lane: Int) {
        guard contains(lane) else { return }
        words[lane / 64] &= ~(1 << UInt64(lane % 64))
        count -= 1
    }

    /// Puts `lane` in or out.
    package mutating func set(_ lane: Int, _ member: Bool) {
        if member { insert(lane) } else { remove(lane) }
    }

    /// The members in turn order: from `start` up, then from 0 up to `start`.
    package func inTurn(from start: Int) -> [Int] {
        var after: [Int] = []
        var before: [Int] = []
        after.reserveCapacity(count)
        for (index, word) in words.enumerated() where word != 0 {
            var rest = word
            while rest != 0 {
                let lane = index * 64 + rest.trailingZeroBitCount
                if lane >= start { after.append(lane) } else { before.append(lane) }
                rest &= rest - 1
            }
        }
        return after + before
    }
}

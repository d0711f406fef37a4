import JackpotWire

/// The search for settings a wallet credits, as a pure state machine: it is
/// told what each call's refusal said and proposes the next candidate.
///
/// It stands on the settings that got furthest so far (the "base") and tries
/// the candidates one, two or three changes away from it, cheapest first,
/// where a change's cost depends on what the last refusal named (see
/// `ProbeChange.cost`). A candidate whose refusal names something new (the
/// hash passed, now a field is missing) becomes the base; one that only made
/// the body unreadable does not. Candidates that would send the same bytes as
/// one already tried are skipped (`ProbeSpace.normalized`). Nothing here
/// knows any particular wallet: the search is built from the words of the
/// refusals and the knobs `WireDialect` has.
package struct ProbePlanner: Sendable {
    package let space: ProbeSpace
    package private(set) var base: ProbeCandidate
    /// What the base's refusal said; nil before the first observation.
    package private(set) var baseSymptom: ProbeSymptom?
    private var tried: Set<ProbeCandidate> = []
    /// Spellings refusals named, by contract field.
    private var spellings: [String: [String]] = [:]
    /// The one call that tries the player's field under another name after
    /// "player not found": whatever it answers, the player is unknown unless it credits.
    private var playerRename: ProbeCandidate?
    private var tokenRefusals: Set<Bool> = []

    /// At most this many changes from the base at once.
    static let maximumChanges = 3

    package init(space: ProbeSpace, start: ProbeCandidate) {
        self.space = space
        base = start
    }

    /// Records what `candidate`'s call was refused with. Returns the dead end
    /// when the refusal is one no setting can cure.
    package mutating func observe(_ candidate: ProbeCandidate, _ symptom: ProbeSymptom) -> ProbeDeadEnd? {
        tried.insert(space.normalized(candidate))
        if case .deadEnd(let end) = symptom { return end }
        if candidate == playerRename { return .unknownPlayer(space.userId) }
        if case .missingField(let standard, let named) = symptom {
            for spelling in named where !(spellings[standard] ?? []).contains(spelling) {
                spellings[standard, default: []].append(spelling)
            }
        }
        switch symptom {
        case .unknownPlayer where playerRename != nil || candidate.fieldNames["userId"] != nil:
            return .unknownPlayer(space.userId)
        case .badValue("token"):
            guard space.tokenGiven else { return .needsToken }
            tokenRefusals.insert(candidate.sendsToken)
            if tokenRefusals.count == 2 { return .tokenRefused }
        default:
            break
        }
        guard let current = baseSymptom, candidate != base else {
            baseSymptom = symptom
            return nil
        }
        if Self.isProgress(from: current, to: symptom) {
            base = candidate
            baseSymptom = symptom
        }
        return nil
    }

    /// A different refusal is progress unless it only shows the body was no longer read.
    static func isProgress(from old: ProbeSymptom, to new: ProbeSymptom) -> Bool {
        guard old != new else { return false }
        switch new {
        case .unreadBody: return false
        case .unexplained: return old == .unreadBody
        default: return true
        }
    }

    /// The next candidate to call, or nil when every one within reach was tried.
    package mutating func next() -> ProbeCandidate? {
        let symptom = baseSymptom ?? .unexplained
        if symptom == .unknownPlayer {
            // The wallet may have looked the player up under another name and found none.
            var renamed = base
            ProbeChange.fieldName(standard: "userId", wire: "userid").apply(to: &renamed, extraFieldNames: space.extraFieldNames)
            playerRename = renamed
            return tried.contains(space.normalized(renamed)) ? nil : renamed
        }
        let learned = Set(spellings.values.joined())
        let changes = alternatives().map { ($0, $0.cost(for: symptom, learned: learned)) }
            .sorted { $0.1 < $1.1 }
        var best: (candidate: ProbeCandidate, cost: Double, size: Int)?
        var seen = tried
        seen.insert(space.normalized(base))
        func consider(_ picked: [(ProbeChange, Double)]) {
            let cost = picked.reduce(0) { $0 + $1.1 } + 0.5 * Double(picked.count - 1)
            if let best, best.cost < cost || (best.cost == cost && best.size <= picked.count) { return }
            var candidate = base
            for (change, _) in picked { change.apply(to: &candidate, extraFieldNames: space.extraFieldNames) }
            guard !seen.contains(space.normalized(candidate)) else { return }
            best = (candidate, cost, picked.count)
        }
        for first in changes.indices {
            consider([changes[first]])
            for second in changes.indices where second > first && changes[second].0.knob != changes[first].0.knob {
                consider([changes[first], changes[second]])
                for third in changes.indices
                where third > second
                    && changes[third].0.knob != changes[first].0.knob && changes[third].0.knob != changes[second].0.knob
                {
                    consider([changes[first], changes[second], changes[third]])
                }
            }
        }
        return best?.candidate
    }

    /// Every single change from the base the space allows.
    private func alternatives() -> [ProbeChange] {
        var changes: [ProbeChange] = [.encoding(base.encoding == .json ? .form : .json)]
        let optional: Set<String> = ["platform", "token", "jackpotDetails"]
        var lists: [ProbeChange] = [.hashList(excluding: nil, includeEmpty: false)]
        for mask in 0..<8 {
            let excluded = Set(
                ["jackpotDetails", "platform", "token"].enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
            for includeEmpty in [false, true] where !(includeEmpty && excluded == optional) {
                lists.append(.hashList(excluding: excluded, includeEmpty: includeEmpty))
            }
        }
        changes += lists
        if space.hasQuery { changes.append(.includeQuery(!base.includeQuery)) }
        changes.append(.encodeValues(!base.encodeValues))
        var names: [String: [String]] = ["userId": ["userid"], "roundId": ["roundid"]]
        for (standard, named) in spellings { names[standard, default: []].insert(contentsOf: named, at: 0) }
        for (standard, wires) in names.sorted(by: { $0.key < $1.key }) {
            var options = wires
            if base.fieldNames[standard] != nil { options.append(standard) }
            for wire in options where base.wireName(standard) != wire {
                changes.append(.fieldName(standard: standard, wire: wire))
            }
        }
        for decimals in [nil] + space.amountDecimals where decimals != base.amountDecimals {
            changes.append(.amountDecimals(decimals))
        }
        for providerId in space.providerIds where providerId != base.providerId {
            changes.append(.providerId(providerId))
        }
        if space.tokenGiven { changes.append(.sendsToken(!base.sendsToken)) }
        for field in space.optionalFields where field != "token" {
            changes.append(.omit(field, !base.omitted.contains(field)))
        }
        return changes
    }
}

import Testing
import JackpotCLI
import JackpotWire

/// The search as a pure state machine, against wallets written here as plain
/// functions of the candidate (how each would answer), none of them the
/// simulator: the planner must find each from the words of its refusals.
@Suite(.timeLimit(.minutes(2))) struct ProbePlannerTests {
    /// A wallet as the search sees it: nil = credited, else what its refusal says.
    typealias Wallet = (ProbeCandidate) -> ProbeSymptom?

    /// Runs the search to the end; returns the credited candidate and the calls made.
    static func search(
        _ wallet: Wallet, space: ProbeSpace = ProbeSpace(), start: ProbeCandidate = ProbeCandidate(), budget: Int = 40
    ) -> (found: ProbeCandidate?, calls: [ProbeCandidate], deadEnd: ProbeDeadEnd?) {
        var planner = ProbePlanner(space: space, start: start)
        var calls: [ProbeCandidate] = []
        var candidate = start
        while calls.count < budget {
            calls.append(candidate)
            guard let symptom = wallet(candidate) else { return (candidate, calls, nil) }
            if let end = planner.observe(candidate, symptom) { return (nil, calls, end) }
            guard let next = planner.next() else { break }
            candidate = next
        }
        return (nil, calls, nil)
    }

    /// The hashed key set of `candidate` for the default probe win (platform and jackpotDetails sent, no token).
    static func hashed(_ candidate: ProbeCandidate, space: ProbeSpace = ProbeSpace()) -> Set<String> {
        var sent = Set(["userId", "gameId", "roundId", "amount", "reference", "providerId", "timestamp", "jackpotId"])
        for field in space.optionalFields where !candidate.omitted.contains(field) && (field != "token" || candidate.sendsToken) {
            sent.insert(field)
        }
        guard let list = candidate.hashFields else { return sent }
        return candidate.includeEmpty ? Set(list) : Set(list).intersection(sent)
    }

    @Test func aHashRefusalTriesHashSettingsFirstAndFindsTheTableList() {
        // The wallet hashes the API table's fields, token included even when empty.
        let wanted: Set<String> = [
            "userId", "gameId", "roundId", "amount", "reference", "providerId", "timestamp", "jackpotId", "token",
        ]
        let result = Self.search { Self.hashed($0) == wanted ? nil : .hash }
        let found = result.found
        #expect(found?.includeEmpty == true)
        #expect(result.calls.count <= 8, "\(result.calls.count) calls")
        // Every call after the first changed only hash settings: nothing else was suspected.
        for call in result.calls.dropFirst() {
            #expect(call.encoding == .json && call.fieldNames.isEmpty && call.omitted.isEmpty)
        }
    }

    @Test func aMissingFieldUnderAnotherSpellingIsRenamedAtOnce() {
        let result = Self.search { candidate in
            if candidate.wireName("userId") != "user_id" { return .missingField(standard: "userId", spellings: ["user_id"]) }
            if candidate.wireName("roundId") != "round_id" {
                return .missingField(standard: "roundId", spellings: ["round_id", "roundid"])
            }
            return nil
        }
        #expect(result.found?.fieldNames == ["userId": "user_id", "roundId": "round_id"])
        #expect(result.calls.count == 3)
    }

    @Test func anUnreadBodyTriesTheOtherEncodingFirst() {
        let result = Self.search { $0.encoding == .form ? nil : .unreadBody }
        #expect(result.calls.count == 2)
        #expect(result.found?.encoding == .form)
    }

    /// A form-only wallet reads a JSON body as no parameters and says "invalid
    /// hash"; once the encoding is right it asks for its own field names.
    @Test func combinationsAreReachedThroughProgress() {
        let result = Self.search { candidate in
            guard candidate.encoding == .form else { return .hash }
            if candidate.wireName("userId") != "userid" { return .missingField(standard: "userId", spellings: ["userid"]) }
            return Self.hashed(candidate).contains("jackpotDetails") ? .hash : nil
        }
        let found = result.found
        #expect(found?.encoding == .form && found?.fieldNames == ["userId": "userid"])
        #expect(result.calls.count <= 15, "\(result.calls.count) calls")
    }

    @Test func aChangeThatOnlyMakesTheBodyUnreadableIsNotStoodOn() {
        var planner = ProbePlanner(space: ProbeSpace(), start: ProbeCandidate())
        #expect(planner.observe(ProbeCandidate(), .hash) == nil)
        var form = ProbeCandidate()
        form.encoding = .form
        #expect(planner.observe(form, .unreadBody) == nil)
        #expect(planner.base == ProbeCandidate())
        var renamed = ProbeCandidate()
        renamed.fieldNames = ["userId": "userid"]
        #expect(planner.observe(renamed, .missingField(standard: "roundId", spellings: ["roundid"])) == nil)
        #expect(planner.base == renamed)
    }

    @Test func noTwoCallsSendTheSameBytes() {
        let space = ProbeSpace()
        let result = Self.search({ _ in .unexplained }, space: space, budget: 150)
        let normalized = result.calls.map { space.normalized($0) }
        #expect(Set(normalized).count == normalized.count)
        #expect(result.calls.count > 20, "the search gave up after \(result.calls.count) calls")
    }

    @Test func settingsThatChangeNothingAreNotTried() {
        // No query, no value that percent-encoding changes, no amount that decimals change, no token.
        let space = ProbeSpace(encodingSensitive: [])
        let result = Self.search({ _ in .hash }, space: space, budget: 150)
        #expect(!result.calls.contains { $0.includeQuery || $0.encodeValues || $0.amountDecimals != nil || $0.sendsToken })
    }

    @Test func anUnknownPlayerIsFinalAfterOneOtherSpellingOfItsField() {
        let result = Self.search { _ in .unknownPlayer }
        #expect(result.deadEnd == .unknownPlayer("421"))
        #expect(result.calls.count == 2)
        #expect(result.calls[1].fieldNames == ["userId": "userid"])
    }

    @Test func aTokenRefusalWithoutATokenEndsTheSearch() {
        let result = Self.search { _ in .badValue(standard: "token") }
        #expect(result.deadEnd == .needsToken)
        #expect(result.calls.count == 1)
    }

    @Test func aRefusedTokenIsTriedWithoutAndThenNamed() {
        var start = ProbeCandidate()
        start.sendsToken = true
        let space = ProbeSpace(optionalFields: ["platform", "jackpotDetails", "token"], tokenGiven: true)
        let result = Self.search({ _ in .badValue(standard: "token") }, space: space, start: start)
        #expect(result.deadEnd == .tokenRefused)
        #expect(result.calls.count == 2)
        #expect(result.calls[1].sendsToken == false)
    }

    @Test func aRefusedProviderIdTriesItsOtherSpellings() {
        let space = ProbeSpace(providerIds: ["LUCKYMONACO", "Luckymonaco"])
        let result = Self.search({ $0.providerId == "Luckymonaco" ? nil : .badValue(standard: "providerId") }, space: space)
        #expect(result.calls.count == 3)
        #expect(result.found?.providerId == "Luckymonaco")
    }

    @Test func aQueryInTheURLMakesIncludeQueryTheFirstHashSuspect() {
        let space = ProbeSpace(hasQuery: true, encodingSensitive: ["jackpotDetails"])
        let result = Self.search({ $0.includeQuery ? nil : .hash }, space: space)
        #expect(result.calls.count == 2)
    }

    @Test func aDeadEndStopsAtOnce() {
        let result = Self.search { _ in .deadEnd(.httpStatus(405)) }
        #expect(result.deadEnd == .httpStatus(405))
        #expect(result.calls.count == 1)
    }
}

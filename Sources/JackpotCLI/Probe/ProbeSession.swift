import Foundation
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotWire

/// One probe of one operator's wallet: the calls (step 1, the search, the
/// checks), each recorded in the ops trail before it is sent, never more than
/// `maxCalls` of them.
package struct ProbeSession {
    package struct Call: Sendable {
        package var number: Int
        package var reference: String
        /// `as configured`, the candidate's changes, or the check it makes.
        package var purpose: String
        package var answer: ProbeAnswer
        /// How the search read a refusal (nil for credits and checks).
        package var symptom: ProbeSymptom?
    }

    package enum Result: Sendable {
        /// A candidate was credited; the checks ran on it.
        case worked(ProbeCandidate, ProbeChecks)
        /// The search stopped at a refusal no setting can cure.
        case deadEnd(ProbeDeadEnd)
        /// Every candidate within reach, or the call budget, was used up.
        case exhausted(budgetSpent: Bool)
    }

    let operatorName: String
    let config: OperatorConfig
    let globalProviderId: String
    let settings: WireSettings
    let userId: String
    let token: String?
    let amount: DecimalAmount
    let maxCalls: Int
    let transport: any HTTPTransport
    let outbox: Outbox
    let actor: String
    /// Told of each call as it is answered (progress lines).
    let onCall: (Call) -> Void

    package private(set) var calls: [Call] = []
    /// The call that got furthest when nothing worked.
    package private(set) var closest: Call?

    /// The checks need three calls; the search keeps them in reserve.
    static let checkCalls = 3

    init(
        operatorName: String, config: OperatorConfig, globalProviderId: String, url: String, userId: String, token: String?,
        amount: DecimalAmount, maxCalls: Int, transport: any HTTPTransport, outbox: Outbox, actor: String,
        onCall: @escaping (Call) -> Void
    ) {
        self.operatorName = operatorName
        self.config = config
        self.globalProviderId = globalProviderId
        var settings = config.wireSettings
        settings.url = url
        self.settings = settings
        self.userId = userId
        self.token = token
        self.amount = amount
        self.maxCalls = maxCalls
        self.transport = transport
        self.outbox = outbox
        self.actor = actor
        self.onCall = onCall
    }

    /// Step 1's candidate: the operator's settings as configured.
    var start: ProbeCandidate { ProbeCandidate(configured: settings, sendsToken: token != nil) }

    /// The win one probe call carries: a fresh `probe-` reference, a round id
    /// of digits (wallets store round ids as numbers), the smallest credit.
    func win(reference: String, candidate: ProbeCandidate, timestamp: Int64) -> JackpotWin {
        JackpotWin(
            operatorName: operatorName, userId: userId, gameId: "jackpotd-probe",
            roundId: String(timestamp) + String(calls.count + 1),
            amount: amount, reference: reference, timestamp: String(timestamp), jackpotId: "1",
            platform: candidate.omitted.contains("platform") ? nil : Self.platform,
            token: candidate.sendsToken ? token : nil,
            jackpotDetails: candidate.omitted.contains("jackpotDetails") ? nil : Self.jackpotDetails)
    }

    /// Carried so that a wallet hashing (or refusing) them shows it. The details'
    /// braces and quotes change when percent-encoded, which is how `encodeValues` shows.
    static let platform = "desktop"
    static let jackpotDetails = #"{"probe":"jackpotd"}"#

    /// What the win of `candidate` carries, for the planner.
    var space: ProbeSpace {
        let sample = win(reference: "probe-0", candidate: start, timestamp: 0)
        var sensitive: Set<String> = []
        let values: [(String, String?)] =
            [
                ("userId", sample.userId), ("gameId", sample.gameId), ("roundId", sample.roundId),
                ("reference", sample.reference),
                ("jackpotId", sample.jackpotId), ("platform", Self.platform), ("jackpotDetails", Self.jackpotDetails),
                ("token", token), ("providerId", settings.dialect.providerId ?? globalProviderId),
            ] + settings.dialect.extraFields.map { ($0.key, $0.value) }
        for case (let name, let value?) in values where FormEncoding.encodeComponent(value) != value { sensitive.insert(name) }
        let query = RequestHash.queryParameters(of: settings.url)
        if query.contains(where: { FormEncoding.encodeComponent($0.value) != $0.value }) { sensitive.insert("?query") }
        let decimals = [2].filter { (try? amount.formatted(decimals: $0)).map { $0 != amount.canonical } ?? false }
        return ProbeSpace(
            optionalFields: ["platform", "jackpotDetails"] + (token == nil ? [] : ["token"]), tokenGiven: token != nil,
            hasQuery: !query.isEmpty, encodingSensitive: sensitive, amountDecimals: decimals,
            providerIds: providerIdVariants(), extraFieldNames: settings.dialect.extraFields.map(\.key), userId: userId)
    }

    /// The global id when the operator overrides it, then the configured one
    /// in other cases: wallets compare provider ids as strings.
    func providerIdVariants() -> [String?] {
        let configured = settings.dialect.providerId ?? globalProviderId
        var variants: [String?] = settings.dialect.providerId == nil ? [] : [nil]
        let first = configured.prefix(1).uppercased() + configured.dropFirst().lowercased()
        for variant in [configured.lowercased(), configured.uppercased(), first] where variant != configured {
            let value: String? = variant == globalProviderId ? nil : variant
            if !variants.contains(where: { $0 == value }) { variants.append(value) }
        }
        return variants
    }

    /// A fresh reference within the operator's `limits.referenceMaxLength`.
    func freshReference() -> String {
        var random = SystemRandomNumberGenerator()
        let hex = (0..<16).map { _ in String(Int.random(in: 0..<16, using: &random), radix: 16) }.joined()
        let limit = settings.dialect.limits.referenceMaxLength ?? Int.max
        return "probe-" + hex.prefix(max(4, limit - 6))
    }

    /// The request `candidate` sends for a fresh win; throws when the operator's
    /// settings refuse the probe win (its limits, `amountDecimals`).
    func request(
        for candidate: ProbeCandidate, reference: String, timestamp: Int64, secret: String? = nil
    ) throws -> WireRequest {
        var settings = candidate.settings(over: settings)
        if let secret { settings.secret = secret }
        return try WireRequest.build(
            win: win(reference: reference, candidate: candidate, timestamp: timestamp), providerId: globalProviderId,
            settings: settings)
    }

    /// Sends one request, recording it in the ops trail first and its answer after.
    mutating func send(_ request: WireRequest, reference: String, purpose: String, read: Bool) async throws -> ProbeAnswer {
        precondition(calls.count < maxCalls, "the probe never makes more than --max-calls calls")
        let number = calls.count + 1
        let row = try outbox.recordProbeCall(
            OpsAction(
                at: WallClock.nowMilliseconds(), actor: actor, kind: .probe, reference: reference, operatorName: operatorName,
                reason: "probe call \(number) of at most \(maxCalls): \(purpose)", detail: "sent, no answer yet"))
        let answer = ProbeAnswer.read(await transport.send(request.http, timeoutSeconds: config.timeoutSeconds))
        var symptom: ProbeSymptom?
        if read, case .refused(let refusal) = answer {
            symptom = ProbeSymptom.read(refusal, sent: request.fields.map(\.key), userId: userId)
        }
        let call = Call(number: number, reference: reference, purpose: purpose, answer: answer, symptom: symptom)
        try outbox.recordProbeAnswer(id: row, detail: call.answerText)
        calls.append(call)
        onCall(call)
        return answer
    }

    /// Steps 1 to 3.
    mutating func run() async throws -> Result {
        let start = start
        let reserve = min(Self.checkCalls, maxCalls - 1)
        var planner = ProbePlanner(space: space, start: start)
        var candidate = start
        while true {
            let reference = freshReference()
            let request = try request(for: candidate, reference: reference, timestamp: WallClock.nowMilliseconds())
            let answer = try await send(request, reference: reference, purpose: candidate.summary(relativeTo: start), read: true)
            if case .credited(let credit) = answer {
                return .worked(candidate, try await check(candidate, request: request, first: credit))
            }
            let call = calls[calls.count - 1]
            if let end = planner.observe(candidate, call.symptom ?? .unexplained) {
                closest = call
                return .deadEnd(end)
            }
            if planner.base == candidate || closest == nil { closest = call }
            guard calls.count < maxCalls - reserve else { return .exhausted(budgetSpent: true) }
            guard let next = planner.next() else { return .exhausted(budgetSpent: false) }
            candidate = next
        }
    }

    /// Step 3: the same request again, a new reference, a wrong hash — as many as the budget allows.
    private mutating func check(_ candidate: ProbeCandidate, request: WireRequest, first: ProbeCredit) async throws -> ProbeChecks
    {
        var checks = ProbeChecks(first: first, amount: amount)
        let firstReference = calls[calls.count - 1].reference
        if calls.count < maxCalls {
            checks.repeated = try await send(
                request, reference: firstReference, purpose: "check: the same call again", read: false)
        }
        if calls.count < maxCalls {
            let reference = freshReference()
            let another = try self.request(for: candidate, reference: reference, timestamp: WallClock.nowMilliseconds())
            checks.another = try await send(another, reference: reference, purpose: "check: a new reference", read: false)
        }
        if calls.count < maxCalls {
            let reference = freshReference()
            let forged = try self.request(
                for: candidate, reference: reference, timestamp: WallClock.nowMilliseconds(), secret: settings.secret + "-wrong")
            checks.wrongHash = try await send(forged, reference: reference, purpose: "check: a wrong hash", read: false)
        }
        return checks
    }
}

extension ProbeSession.Call {
    /// `credited, transactionId tx-1` or the refusal as the wallet worded it.
    package var answerText: String {
        switch answer {
        case .credited(let credit):
            if credit.confirmation.transactionId.isEmpty { return "credited (HTTP \(credit.status))" }
            return "credited, transactionId \(OutcomeText.clipped(credit.confirmation.transactionId, 60))"
        case .refused(let refusal):
            return "refused: " + refusal.summary
        }
    }
}

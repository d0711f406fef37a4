import Dispatch
import Synchronization
import JackpotWire

/// An operator's wallet on loopback: the other end of the JackPotWin call, for
/// end-to-end tests, the demo and the benchmark.
///
/// It behaves like a correct operator — verifies the hash, credits each
/// `reference` once and answers repeats with the same transaction id — unless
/// told to misbehave through queued faults or a fault plan. The counters are
/// what tests assert exactly-once delivery against, so they are updated in the
/// same critical section as the credit itself.
package final class ScriptedOperator: Sendable {
    package let port: Int
    private let server: HTTPServer
    private let wallet: ScriptedWallet

    /// Binds 127.0.0.1 on an ephemeral port and starts serving. With
    /// `recordsRequests`, every request's body is kept as it arrived (`receivedRequests`).
    package init(
        secret: String, numericTransactionIds: Bool = false, dialect: WalletDialect = .standard, recordsRequests: Bool = false
    ) throws {
        let wallet = ScriptedWallet(
            secret: secret, numericTransactionIds: numericTransactionIds, dialect: dialect, recordsRequests: recordsRequests)
        self.wallet = wallet
        server = try HTTPServer { request in wallet.handle(request) }
        port = server.port
    }

    deinit { server.stop() }

    /// The JackPotWin endpoint on this server.
    package var url: String { "http://127.0.0.1:\(port)/V4/JackPotWin" }

    /// Closes the listener and every connection (hanging ones included) and joins all threads.
    package func stop() { server.stop() }

    /// The next requests get these faults, in order; afterwards the default plan applies.
    package func enqueueFaults(_ faults: [OperatorFault]) {
        wallet.state.withLock { $0.queuedFaults.append(contentsOf: faults) }
    }

    /// Called for each request (1-based count) when the queue is empty; nil = healthy answer.
    package func setFaultPlan(_ plan: (@Sendable (_ requestNumber: Int) -> OperatorFault?)?) {
        wallet.state.withLock { $0.plan = plan }
    }

    /// A consistent copy of the counters.
    package var snapshot: OperatorSnapshot {
        wallet.state.withLock { state in
            OperatorSnapshot(
                requests: state.requests, credited: state.credits.count, duplicates: state.duplicates,
                hashFailures: state.hashFailures, faultsInjected: state.faultsInjected)
        }
    }

    /// Every request received so far, in arrival order (empty unless `recordsRequests`).
    package var receivedRequests: [ReceivedRequest] {
        wallet.state.withLock { $0.received }
    }

    /// From now on hashes are checked with `secret`: the operator's side of a secret rotation.
    package func switchSecret(to secret: String) {
        wallet.state.withLock { $0.secret = secret }
    }

    /// The error code a wrong hash is answered with (110 unless set; many wallets use 5).
    package func setBadHashErrorCode(_ code: Int) {
        wallet.state.withLock { $0.badHashErrorCode = code }
    }

    /// From now on keeps each request's arrival times and headers (`requestLog`),
    /// for tests that count calls per second or check what arrived.
    package func recordRequests() {
        wallet.state.withLock { $0.requestLog = [] }
    }

    /// The requests answered normally since `recordRequests()`, in arrival order.
    package var requestLog: [LoggedRequest] {
        wallet.state.withLock { $0.requestLog ?? [] }
    }

    /// What the wallet recorded for `reference`, if it was ever credited.
    package func credit(for reference: String) -> Credit? {
        wallet.state.withLock { $0.credits[reference] }
    }
}

/// One request body exactly as it came off the socket, with its `Content-Type`.
package struct ReceivedRequest: Sendable, Hashable {
    package let contentType: String
    package let body: [UInt8]
}

/// One request with when it arrived, for `ScriptedOperator.requestLog`.
package struct LoggedRequest: Sendable {
    /// Arrival on the monotonic clock (`DispatchTime` uptime), in nanoseconds.
    package let arrivedAtNanoseconds: UInt64
    /// Arrival on the wall clock (epoch milliseconds), comparable with the attempt log's `started_at`.
    package let arrivedAtMilliseconds: Int64
    package let body: [UInt8]
    /// Header names lowercased; a repeated header keeps its last value.
    package let headers: [String: String]
    /// Whether the hash checked out against the secret the wallet held.
    package let hashAccepted: Bool
}

/// One credited win as the operator's wallet stores it.
package struct Credit: Sendable, Hashable {
    package let transactionId: String
    /// The amount exactly as received.
    package let amount: String
    package let userId: String
    /// Valid calls seen for this reference: 1 + duplicates.
    package let timesReceived: Int
    /// Every parameter of the first valid call, by the name it arrived under.
    package let parameters: [String: String]

    package init(transactionId: String, amount: String, userId: String, timesReceived: Int, parameters: [String: String] = [:]) {
        self.transactionId = transactionId
        self.amount = amount
        self.userId = userId
        self.timesReceived = timesReceived
        self.parameters = parameters
    }

    /// Equal when the books agree; `parameters` is what arrived, not what was credited.
    package static func == (lhs: Credit, rhs: Credit) -> Bool {
        lhs.transactionId == rhs.transactionId && lhs.amount == rhs.amount && lhs.userId == rhs.userId
            && lhs.timesReceived == rhs.timesReceived
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(transactionId)
        hasher.combine(timesReceived)
    }
}

package struct OperatorSnapshot: Sendable, Hashable {
    /// Every request read off a socket, faulted or not.
    package let requests: Int
    /// Distinct references credited.
    package let credited: Int
    /// Valid repeats of an already credited reference.
    package let duplicates: Int
    package let hashFailures: Int
    package let faultsInjected: Int
}

/// The wallet's logic and books, shared by the server's connection threads.
private final class ScriptedWallet: Sendable {
    struct State {
        var credits: [String: Credit] = [:]
        var requests = 0
        var duplicates = 0
        var hashFailures = 0
        var faultsInjected = 0
        var nextTransactionNumber: UInt64 = 1
        var queuedFaults: [OperatorFault] = []
        var plan: (@Sendable (Int) -> OperatorFault?)?
        var received: [ReceivedRequest] = []
        var secret: String
        var badHashErrorCode = 110
        /// nil until `recordRequests()`.
        var requestLog: [LoggedRequest]?
    }

    /// Fields the wallet API marks required (besides `hash`).
    static let requiredFields = ["userId", "gameId", "roundId", "amount", "reference", "providerId", "timestamp", "jackpotId"]
    /// First numeric id: 2^53 + 1, the smallest integer a `Double` cannot hold,
    /// so any client that routes ids through a float visibly corrupts them.
    static let firstNumericTransactionId: UInt64 = 9_007_199_254_740_993

    let numericTransactionIds: Bool
    let dialect: WalletDialect
    let recordsRequests: Bool
    let state: Locked<State>

    init(secret: String, numericTransactionIds: Bool, dialect: WalletDialect, recordsRequests: Bool) {
        state = Locked(State(secret: secret))
        self.numericTransactionIds = numericTransactionIds
        self.dialect = dialect
        self.recordsRequests = recordsRequests
    }

    func handle(_ request: HTTPServerRequest) -> HTTPServerAction {
        let (number, queued, plan, secret, badHashCode, logging) = state.withLock { state in
            state.requests += 1
            if recordsRequests {
                state.received.append(ReceivedRequest(contentType: request.header("content-type") ?? "", body: request.body))
            }
            let queued = state.queuedFaults.isEmpty ? nil : state.queuedFaults.removeFirst()
            return (
                state.requests, queued, queued == nil ? state.plan : nil, state.secret, state.badHashErrorCode,
                state.requestLog != nil
            )
        }
        let arrivedAt = logging ? DispatchTime.now().uptimeNanoseconds : 0
        let arrivedAtMilliseconds = logging ? WallClock.nowMilliseconds() : 0
        // The plan is caller code: run it outside the lock so it may query the operator.
        guard let fault = queued ?? plan?(number) else {
            let (response, hashAccepted) = process(request, secret: secret, badHashCode: badHashCode)
            if logging {
                var headers: [String: String] = [:]
                for header in request.headers { headers[header.name.lowercased()] = header.value }
                let logged = LoggedRequest(
                    arrivedAtNanoseconds: arrivedAt, arrivedAtMilliseconds: arrivedAtMilliseconds, body: request.body,
                    headers: headers, hashAccepted: hashAccepted)
                state.withLock { $0.requestLog?.append(logged) }
            }
            return .respond(response)
        }
        state.withLock { $0.faultsInjected += 1 }
        return action(for: fault, request: request)
    }

    private func action(for fault: OperatorFault, request: HTTPServerRequest) -> HTTPServerAction {
        switch fault {
        case .status(let status, let body):
            let type = body.hasPrefix("{") ? "application/json" : "text/plain"
            return .respond(
                HTTPServerResponse(
                    status: status, headers: [HTTPHeader("Content-Type", type)], body: .bytes(Array(body.utf8))))
        case .errorCode(let code, let description):
            return .respond(.json(200, "{\"error\":\(code),\"description\":\(JSONWriter.quoted(description))}"))
        case .retryAfter(let status, let value):
            return .respond(
                .json(
                    status, "{\"error\":1,\"description\":\"Try again later\"}", headers: [HTTPHeader("Retry-After", value)]))
        case .delayThenAnswer(let seconds):
            return .respond(process(request).response, afterSeconds: seconds)
        case .hang:
            return .hang
        case .resetBeforeAnswer:
            return .reset
        case .creditThenReset:
            _ = process(request)
            return .reset
        case .garbage(let body):
            return .respond(
                HTTPServerResponse(
                    status: 200, headers: [HTTPHeader("Content-Type", "text/html")], body: .bytes(Array(body.utf8))))
        case .truncatedJSON:
            return .respond(.json(200, "{\"transactionId\": \"12"))
        case .noTransactionId:
            return .respond(.json(200, "{\"error\":0,\"description\":\"Success\"}"))
        case .hugeBody(let bytes):
            return .respond(
                HTTPServerResponse(
                    status: 200, headers: [HTTPHeader("Content-Type", "application/json")],
                    body: .repeated(UInt8(ascii: " "), count: max(0, bytes))))
        case .redirect(let location):
            return .respond(HTTPServerResponse(status: 302, headers: [HTTPHeader("Location", location)]))
        }
    }

    /// `process(_:secret:badHashCode:)` with the wallet's current settings.
    private func process(_ request: HTTPServerRequest) -> (response: HTTPServerResponse, hashAccepted: Bool) {
        let (secret, badHashCode) = state.withLock { ($0.secret, $0.badHashErrorCode) }
        return process(request, secret: secret, badHashCode: badHashCode)
    }

    /// The healthy operator: validate, verify the hash, credit once. Also says
    /// whether the hash checked out.
    private func process(
        _ request: HTTPServerRequest, secret: String, badHashCode: Int
    ) -> (response: HTTPServerResponse, hashAccepted: Bool) {
        var hashAccepted = false
        let response = processChecked(request, secret: secret, badHashCode: badHashCode, hashAccepted: &hashAccepted)
        return (response, hashAccepted)
    }

    private func processChecked(
        _ request: HTTPServerRequest, secret: String, badHashCode: Int, hashAccepted: inout Bool
    ) -> HTTPServerResponse {
        guard request.method == "POST" else { return Self.failure(405, "Only POST is accepted") }
        guard request.path == "/V4/JackPotWin" else { return Self.failure(404, "Unknown endpoint \(request.path)") }
        var fields: [(key: String, value: String)]
        do {
            fields = try Self.fields(of: request)
        } catch {
            return Self.failure(400, "Malformed body: \(error)")
        }
        if dialect.formOnly,
            !(request.header("content-type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false)
        {
            fields = []
        }
        let received = fields.first { $0.key == "hash" }?.value ?? ""
        guard !dialect.checksHash || received == MD5.hex(dialect.hashedText(body: fields, target: request.target) + secret) else {
            state.withLock { $0.hashFailures += 1 }
            return .json(200, "{\"error\":\(badHashCode),\"description\":\"Invalid hash\"}")
        }
        hashAccepted = true
        var values: [String: String] = [:]
        for field in fields { values[field.key] = field.value }
        if let missing = Self.requiredFields.map(dialect.name).first(where: { values[$0, default: ""].isEmpty }) {
            return Self.failure(400, "Missing field \(missing)")
        }
        for (name, expected) in dialect.requiredParameters where values[name] != expected {
            return .json(200, "{\"error\":7,\"description\":\"Bad parameters: \(name)\"}")
        }
        let reference = values[dialect.name("reference")]!
        let amount = values[dialect.name("amount")]!
        let userId = values[dialect.name("userId")]!
        guard (try? DecimalAmount(validating: amount)) != nil else {
            return Self.failure(400, "Invalid amount \(amount)")
        }
        if let players = dialect.players, !players.contains(userId) {
            return .json(200, "{\"error\":2,\"description\":\"Player not found\"}")
        }
        let credit = state.withLock { state -> Credit? in
            if let existing = state.credits[reference], !dialect.creditsRepeatsAgain {
                state.duplicates += 1
                let repeated = Credit(
                    transactionId: existing.transactionId, amount: existing.amount,
                    userId: existing.userId, timesReceived: existing.timesReceived + 1, parameters: existing.parameters)
                state.credits[reference] = repeated
                return dialect.alreadyCreditedCode == nil ? repeated : nil
            }
            let number = state.nextTransactionNumber
            state.nextTransactionNumber += 1
            let id = numericTransactionIds ? String(Self.firstNumericTransactionId + number - 1) : "tx-\(number)"
            // A wallet that credits repeats again books each one anew.
            let times = (state.credits[reference]?.timesReceived ?? 0) + 1
            let credit = Credit(transactionId: id, amount: amount, userId: userId, timesReceived: times, parameters: values)
            state.credits[reference] = credit
            return credit
        }
        guard let credit else {
            return .json(
                200,
                "{\"error\":\(dialect.alreadyCreditedCode ?? 0),\"description\":\"Transaction already exists. No action required.\"}"
            )
        }
        let transactionId = numericTransactionIds ? credit.transactionId : JSONWriter.quoted(credit.transactionId)
        // `cash` reports the credited amount: the simulated wallet keeps no running balance.
        return .json(
            200,
            "{\"transactionId\":\(transactionId),\"currency\":\"EUR\",\"cash\":\(JSONWriter.quoted(credit.amount)),\"bonus\":\"0\",\"error\":0,\"description\":\"Success\"}"
        )
    }

    struct MalformedBody: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    private static func failure(_ status: Int, _ description: String) -> HTTPServerResponse {
        .json(status, "{\"error\":1,\"description\":\(JSONWriter.quoted(description))}")
    }

    /// The body's fields as the operator received them: form-decoded text, or
    /// JSON strings and numbers (numbers as their exact digits).
    private static func fields(of request: HTTPServerRequest) throws -> [(key: String, value: String)] {
        let contentType = request.header("content-type")?.lowercased() ?? ""
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            guard let text = String(validating: request.body, as: UTF8.self), let fields = FormEncoding.decode(text) else {
                throw MalformedBody(message: "the form body is not valid percent-encoded UTF-8")
            }
            // Which of two values would the hash have covered? Refuse, as the JSON parser refuses duplicate keys.
            guard Set(fields.map(\.key)).count == fields.count else {
                throw MalformedBody(message: "the form body repeats a field")
            }
            return fields.map { ($0.key, $0.value) }
        }
        guard case .object(let object) = try JSONValue.parse(request.body) else {
            throw MalformedBody(message: "the JSON body is not an object")
        }
        return try object.members.map { member in
            switch member.value {
            case .string(let text): (member.key, text)
            case .number(let digits): (member.key, digits)
            default:
                throw MalformedBody(
                    message: "field \(member.key) is a \(member.value.kindName), expected a string or number")
            }
        }
    }
}

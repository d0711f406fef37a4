import Foundation
import Testing
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
import TestSupport

/// One operator of an `OpsFixture`: a scripted wallet on loopback and how the
/// config names it.
struct FixtureOperator {
    var name: String
    var secret: String
    /// Appended to the wallet's URL, e.g. `?authToken=…` (a credential that must be masked).
    var query = ""
    /// Transaction ids as JSON numbers above 2^53 instead of `"tx-N"` strings.
    var numericTransactionIds = false
    /// Extra JSON members for the operator object, after the quick test defaults.
    var extra = ""

    init(_ name: String, secret: String? = nil, query: String = "", numericTransactionIds: Bool = false, extra: String = "") {
        self.name = name
        self.secret = secret ?? "secret-of-\(name)"
        self.query = query
        self.numericTransactionIds = numericTransactionIds
        self.extra = extra
    }
}

/// A real outbox in its own temporary directory, with a config whose operators
/// are scripted wallets on loopback (port 0). CLI commands run in-process
/// against it, and a real `Dispatcher` delivers over real HTTP to move wins
/// into `delivered` or, with a no-retry error code, `failed`.
final class OpsFixture {
    let directory = TemporaryDirectory()
    let configPath: String
    let operators: [FixtureOperator]
    private let wallets: [String: ScriptedOperator]

    /// Short timeouts and back-off, so a retried win is retried within the test.
    static let quickDelivery = fastDelivery(concurrency: nil)

    init(_ operators: [FixtureOperator] = [FixtureOperator("casino-a")], extraTopLevel: String = "") throws {
        self.operators = operators
        var wallets: [String: ScriptedOperator] = [:]
        for op in operators {
            wallets[op.name] = try ScriptedOperator(secret: op.secret, numericTransactionIds: op.numericTransactionIds)
        }
        self.wallets = wallets
        configPath = writeConfig(
            in: directory,
            operators: operators.map { op in
                TestOperator(
                    name: op.name, url: wallets[op.name]!.url + op.query, secret: op.secret,
                    extra: [Self.quickDelivery, op.extra].filter { !$0.isEmpty }.joined(separator: ", "))
            },
            extraTopLevel: extraTopLevel)
    }

    deinit { for wallet in wallets.values { wallet.stop() } }

    var databasePath: String { directory.path("outbox.sqlite3") }

    func wallet(_ name: String) -> ScriptedOperator { wallets[name]! }

    /// `jackpotd ARGUMENTS --config CONFIG`, in-process.
    func cli(_ arguments: [String]) async -> CLIResult {
        await runCLI(arguments + ["--config", configPath])
    }

    /// Enqueues JSON Lines through `jackpotd enqueue --file`, as the platform would.
    func enqueue(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let file = directory.write("enqueue-\(UUID().uuidString).jsonl", lines.joined(separator: "\n") + "\n")
        let result = await cli(["enqueue", "--create", "--file", file])
        try #require(result.code == .success, "enqueue failed: \(result.errors)", sourceLocation: sourceLocation)
    }

    /// A fresh connection to the outbox (each test reads through its own).
    func outbox() throws -> Outbox { try Outbox(path: databasePath) }

    func win(_ reference: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> StoredWin {
        try #require(try outbox().win(reference: reference), "no win \(reference)", sourceLocation: sourceLocation)
    }

    func count(_ sql: String) throws -> Int {
        try outbox().database.queryScalar(sql).integerValue.map(Int.init) ?? -1
    }

    /// Wins of each state, read straight from the `wins` table.
    func count(_ state: WinState) throws -> Int {
        try outbox().database.queryScalar("SELECT count(*) FROM wins WHERE state = ?", [.text(state.rawValue)])
            .integerValue.map(Int.init) ?? -1
    }

    /// Runs a real dispatcher (the daemon's loop) over real HTTP while `body` runs, then stops it.
    func withDispatcher<T>(_ body: () async throws -> T) async throws -> T {
        let config = try ConfigLoader.load(path: configPath, environment: [:]).config
        let logger = Logger(format: .logfmt, minimumLevel: .error, sink: CapturingSink())
        let service = DeliveryService(databasePath: databasePath, config: config, logger: logger)
        let daemon = Task { try await service.run() }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        service.requestStop()
        try await daemon.value
        return try result.get()
    }

    /// Runs the dispatcher until `condition` holds on the outbox (bounded); returns whether it did.
    func deliver(until condition: @escaping (OpsFixture) throws -> Bool) async throws -> Bool {
        try await withDispatcher { try await eventually(within: 30) { try condition(self) } }
    }

    // MARK: - Reading command output

    /// `show REFERENCE --json`, parsed.
    func showJSON(_ reference: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONObject {
        let result = await cli(["show", reference, "--json"])
        try #require(result.code == .success, "show failed: \(result.errors)", sourceLocation: sourceLocation)
        return try parseObject(result.output, sourceLocation: sourceLocation)
    }

    /// `status --json`, parsed.
    func statusJSON(sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONObject {
        let result = await cli(["status", "--json"])
        try #require(result.code == .success, "status failed: \(result.errors)", sourceLocation: sourceLocation)
        return try parseObject(result.output, sourceLocation: sourceLocation)
    }
}

/// The widest line of terminal output, in characters.
func widestLine(_ text: String) -> Int {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(\.count).max() ?? 0
}

import Foundation
import Testing
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// The hash-verification recipes in docs/recipes, one per language, run
/// against real calls: the real dispatcher delivers wins over loopback to
/// wallets that keep each request body as it arrived, JSON and form encoded,
/// with amounts a float would change (55.50, 0.00000001, eighteen integer
/// digits). Each recipe must accept every real call and refuse it with a
/// changed amount or the wrong secret. A language whose runtime is not
/// installed is skipped, naming the Debian package `.ci/install-deps` installs.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct HashRecipeTests {
    @Test(.enabled(if: Recipe.python.isInstalled, Recipe.python.missing))
    func python() async throws { try await Self.check(.python) }

    @Test(.enabled(if: Recipe.node.isInstalled, Recipe.node.missing))
    func node() async throws { try await Self.check(.node) }

    @Test(.enabled(if: Recipe.php.isInstalled, Recipe.php.missing))
    func php() async throws { try await Self.check(.php) }

    @Test(.enabled(if: Recipe.go.isInstalled, Recipe.go.missing))
    func go() async throws { try await Self.check(.go) }

    @Test(.enabled(if: Recipe.java.isInstalled, Recipe.java.missing))
    func java() async throws { try await Self.check(.java) }

    static func check(_ recipe: Recipe) async throws {
        let calls = try await RealCalls.shared.value
        let scratch = TemporaryDirectory()
        let command = try recipe.prepare(in: scratch.path)
        for call in calls {
            func verify(secret: String, body: [UInt8]) throws -> ExternalProgram.Result {
                try ExternalProgram.run(command[0], Array(command.dropFirst()) + [secret, call.contentType], input: body)
            }
            let genuine = try verify(secret: call.secret, body: call.body)
            #expect(
                genuine.status == 0 && genuine.output == "valid\n",
                "\(recipe) refused a real call to \(call.operatorName): \(genuine.output)\n\(call.bodyText)")

            let wrongSecret = try verify(secret: call.secret + "x", body: call.body)
            #expect(
                wrongSecret.status == 1 && wrongSecret.output.hasPrefix("invalid"),
                "\(recipe) accepted a call to \(call.operatorName) with the wrong secret: \(wrongSecret.output)")

            let tampered = try call.withAmount("1" + call.amount)
            let changed = try verify(secret: call.secret, body: tampered)
            #expect(
                changed.status == 1 && changed.output.hasPrefix("invalid"),
                "\(recipe) accepted a changed amount: \(String(decoding: tampered, as: UTF8.self))")
        }
    }
}

/// One recipe file and how to run it.
enum Recipe: CustomStringConvertible {
    case python, node, php, go, java

    var file: String {
        switch self {
        case .python: "verify_hash.py"
        case .node: "verify-hash.mjs"
        case .php: "verify_hash.php"
        case .go: "verify_hash.go"
        case .java: "VerifyHash.java"
        }
    }

    /// The programs it needs, and the Debian package that has them.
    var runtime: (programs: [String], package: String) {
        switch self {
        case .python: (["python3"], "python3")
        case .node: (["node"], "nodejs")
        case .php: (["php"], "php-cli")
        case .go: (["go"], "golang-go")
        case .java: (["javac", "java"], "default-jdk-headless")
        }
    }

    var isInstalled: Bool { runtime.programs.allSatisfy { ExternalProgram.find($0) != nil } }

    var missing: Comment {
        Comment(
            rawValue:
                "\(self) needs \(runtime.programs.joined(separator: " and ")), not installed here: Debian package \(runtime.package) (.ci/install-deps installs it)"
        )
    }

    var description: String { file }

    /// The command line that runs the recipe (before its SECRET and CONTENT-TYPE
    /// arguments); Go and Java are compiled once into `directory` first.
    func prepare(in directory: String) throws -> [String] {
        let source = DocsText.path(of: "docs/recipes/" + file)
        func tool(_ name: String) throws -> String { try ExternalProgram.require(name, package: runtime.package) }
        switch self {
        case .python: return [try tool("python3"), source]
        case .node: return [try tool("node"), source]
        case .php: return [try tool("php"), source]
        case .go:
            let binary = directory + "/verify_hash"
            // A cache in the build folder: the standard library compiles once, not per run.
            let cache = DocsText.path(of: ".build/recipes/go-cache")
            let build = try ExternalProgram.run(
                try tool("go"), ["build", "-o", binary, source],
                environment: ["GOCACHE": cache, "GOPATH": DocsText.path(of: ".build/recipes/go-path"), "GO111MODULE": "off"],
                directory: directory)
            try #require(build.status == 0, "go build: \(build.output)")
            return [binary]
        case .java:
            let build = try ExternalProgram.run(try tool("javac"), ["-d", directory, source])
            try #require(build.status == 0, "javac: \(build.output)")
            return [try tool("java"), "-cp", directory, "VerifyHash"]
        }
    }
}

/// Calls exactly as the daemon sent them, captured once for all recipes.
enum RealCalls {
    struct Call: Sendable {
        let operatorName: String
        let secret: String
        let contentType: String
        let body: [UInt8]
        let amount: String
        var bodyText: String { String(decoding: body, as: UTF8.self) }

        /// How `amount` appears in a body of `contentType` (the field after it is `reference`).
        static func amountField(_ amount: String, contentType: String) -> String {
            contentType.hasPrefix("application/x-www-form-urlencoded") ? "&amount=\(amount)&" : "\"amount\":\(amount),"
        }

        /// The body with the amount's text replaced, the hash left as it was.
        func withAmount(_ amount: String) throws -> [UInt8] {
            let old = Self.amountField(self.amount, contentType: contentType)
            try #require(bodyText.contains(old), "no \(old) in \(bodyText)")
            return Array(bodyText.replacingOccurrences(of: old, with: Self.amountField(amount, contentType: contentType)).utf8)
        }
    }

    /// Operator name, its settings, and the amounts enqueued → the text each is sent as.
    static let operators: [(name: String, settings: String, amounts: [(enqueued: String, sent: String)])] = [
        ("json-exact", "", [("0.00000001", "0.00000001"), ("123456789012345678.12345678", "123456789012345678.12345678")]),
        ("json-cents", #""amountDecimals": 2"#, [("55.50", "55.50"), ("123456789012345678.9", "123456789012345678.90")]),
        (
            "form-exact", #""encoding": "form""#,
            [("0.00000001", "0.00000001"), ("123456789012345678.12345678", "123456789012345678.12345678")]
        ),
        (
            "form-cents", #""encoding": "form", "amountDecimals": 2"#,
            [("55.50", "55.50"), ("9007199254740993", "9007199254740993.00")]
        ),
    ]

    static let shared = Task { try await capture() }

    static func capture() async throws -> [Call] {
        let directory = TemporaryDirectory()
        var wallets: [String: ScriptedOperator] = [:]
        defer { for wallet in wallets.values { wallet.stop() } }
        var testOperators: [TestOperator] = []
        for (name, settings, _) in operators {
            let wallet = try ScriptedOperator(secret: "secret-of-\(name)", recordsRequests: true)
            wallets[name] = wallet
            testOperators.append(
                TestOperator(
                    name: name, url: wallet.url, secret: "secret-of-\(name)",
                    extra: fastDelivery() + (settings.isEmpty ? "" : ", " + settings)))
        }
        let config = writeConfig(in: directory, operators: testOperators)
        let database = directory.path("outbox.sqlite3")
        let now = WallClock.nowMilliseconds()
        var references: [String] = []
        var wins: [NewWin] = []
        for (name, _, amounts) in operators {
            for (index, amount) in amounts.enumerated() {
                let reference = "\(name)-\(index)"
                references.append(reference)
                // Text that JSON escapes and forms percent-encode, so the recipes decode both.
                wins.append(
                    NewWin(
                        JackpotWin(
                            operatorName: name, userId: "421", gameId: "Im 60/tümble & \"fortune\"", roundId: "5103188801",
                            amount: try DecimalAmount(validating: amount.enqueued), reference: reference, timestamp: String(now),
                            jackpotId: "568", platform: "mobile web", token: index == 0 ? "tok+1=2" : nil,
                            jackpotDetails: #"{"progressive":200.25,"seed":1.50}"#)))
            }
        }
        let results = try Outbox(path: database).enqueue(wins, now: now)
        try #require(results.allSatisfy { $0 == .accepted }, "\(results)")

        let probe = OutboxProbe(database)
        let daemon = try RunningDispatcher(configPath: config)
        let delivered = try await eventually { try probe.allDelivered(references) }
        try await daemon.stop()
        try #require(delivered, "the wins were not delivered")

        var calls: [Call] = []
        for (name, _, amounts) in operators {
            let wallet = try #require(wallets[name])
            // The wallet verified every call it credited with the same rule.
            #expect(wallet.snapshot.hashFailures == 0)
            // Every call received (a retry under load is a real call too), each named by the amount it carries.
            for (_, sent) in amounts {
                let field = Call.amountField(sent, contentType: wallet.receivedRequests.first?.contentType ?? "")
                let carrying = wallet.receivedRequests.filter { String(decoding: $0.body, as: UTF8.self).contains(field) }
                try #require(!carrying.isEmpty, "no call to \(name) carried \(field)")
                calls += carrying.map { request in
                    Call(
                        operatorName: name, secret: "secret-of-\(name)", contentType: request.contentType, body: request.body,
                        amount: sent)
                }
            }
        }
        return calls
    }
}

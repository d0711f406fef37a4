import Foundation
import Testing
import JackpotCLI
import JackpotStore
import JackpotWire
import OperatorSimulator
import TestSupport

/// The daemon's log goes to journald and whoever reads it: never a hash secret,
/// a player token or a value from an operator URL's query string.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct LogSecrecyTests {
    @Test func logsNeverCarryTheSecretThePlayerTokenOrURLQueryValues() async throws {
        let directory = TemporaryDirectory()
        let secret = "hash-secret-5b9e"
        let queryValue = "query-token-7f3a"
        let pathValue = "path-session-9d1c"
        let playerToken = "player-token-c21d"
        let wallet = try ScriptedOperator(secret: secret)
        let target = try ScriptedOperator(secret: secret)
        defer { wallet.stop(); target.stop() }
        // Every kind of attempt line: a redirect whose Location carries a query,
        // a server error, an error code, then deliveries.
        wallet.enqueueFaults([
            .redirect(location: target.url + "/s/" + pathValue + "?authToken=" + queryValue),
            .status(500, body: "oops"),
            .errorCode(100, description: "Insufficient funds"),
        ])
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: wallet.url + "?authToken=" + queryValue, secret: secret, extra: fastDelivery())
            ])
        let references = winReferences("secret", 3)
        let wins = references.map { reference in
            NewWin(
                JackpotWin(
                    operatorName: "casino-a", userId: "421", gameId: "g", roundId: "1",
                    amount: try! DecimalAmount(validating: "55"), reference: reference,
                    timestamp: "1482429190374", jackpotId: "568", platform: "mobile", token: playerToken))
        }
        _ = try Outbox(path: directory.path("outbox.sqlite3")).enqueue(wins)

        let daemon = try RunningDispatcher(configPath: config)
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let delivered = try await eventually { try probe.allDelivered(references) }
        try await daemon.stop()

        #expect(delivered)
        #expect(try probe.attemptCount() == references.count + 3, "the three faults were each logged as an attempt")
        let log = daemon.log.joined(separator: "\n")
        #expect(log.contains("event=attempt"))
        #expect(log.contains("redirect"))
        for value in [secret, queryValue, pathValue, playerToken] {
            #expect(!log.contains(value), "the log shows \(value)")
        }
        // The stored attempt is what show, list --json and export print.
        let database = directory.path("outbox.sqlite3")
        var outputs = [await runCLI(["list", "--json", "--db", database]), await runCLI(["export", "--db", database])]
        for reference in references { outputs.append(await runCLI(["show", reference, "--config", config])) }
        #expect(outputs.contains { $0.output.contains("redirect to http://127.0.0.1:\(target.port)/***?authToken=***") })
        for output in outputs {
            #expect(output.code == .success, "\(output.errors)")
            for value in [secret, queryValue, pathValue, playerToken] {
                #expect(!output.output.contains(value), "the output shows \(value): \(output.output)")
            }
        }
    }
}

import Foundation
import Testing
import JackpotCLI
import JackpotWire
import OperatorSimulator
import TestSupport

/// `headers`: every call carries them; `show` and the logs never print a secret one.
@Suite(.timeLimit(.minutes(3)), .oneTestPerCore) struct StaticHeadersTests {
    @Test func configuredHeadersArriveAndShowMasksTheSecretOne() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "hdr-secret")
        defer { wallet.stop() }
        wallet.recordRequests()
        let keyFile = directory.write("secrets/gateway-key", "gw-key-7781\n")
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "gated", url: wallet.url, secret: "hdr-secret",
                    extra: fastDelivery(
                        extra: """
                            "headers": {"X-Tenant": "luckymonaco-eu", "X-Api-Key": {"valueFile": "\(keyFile)"}}
                            """))
            ])
        let probe = OutboxProbe(directory.path("outbox.sqlite3"))
        let wins = winReferences("hdr", 5)
        try probe.enqueue(wins, operator: "gated")
        let daemon = try RunningDispatcher(configPath: config)
        let delivered = try await eventually { try probe.allDelivered(wins) }
        try await daemon.stop()

        #expect(delivered)
        let requests = wallet.requestLog
        #expect(requests.count == wins.count)
        for request in requests {
            #expect(request.headers["x-tenant"] == "luckymonaco-eu")
            #expect(request.headers["x-api-key"] == "gw-key-7781")
            #expect(request.headers["content-type"] == "application/json; charset=utf-8")
            #expect(request.hashAccepted)
        }
        #expect(!daemon.log.joined().contains("gw-key-7781"))

        let show = await runCLI(["show", "hdr-0001", "--config", config])
        #expect(show.code == .success)
        #expect(show.output.contains("  X-Tenant: luckymonaco-eu\n"))
        #expect(show.output.contains("  X-Api-Key: ***\n"))
        #expect(!show.output.contains("gw-key-7781"))
        let json = await runCLI(["show", "hdr-0001", "--json", "--config", config])
        let headers = try #require(try parseObject(json.output)["request"]?.objectValue?["headers"]?.objectValue)
        #expect(headers["X-Api-Key"] == .string("***"))
        #expect(headers["X-Tenant"] == .string("luckymonaco-eu"))
        #expect(!json.output.contains("gw-key-7781"))
    }
}

import Foundation
import Testing
import OperatorSimulator
import TestSupport
import JackpotStore

/// `ingest.listen` as an IPv6 address: the listener binds `[::1]`, says the
/// port it got, takes a win over IPv6 and stores it like any other.
@Suite(
    .timeLimit(.minutes(5)), .oneTestPerCore,
    .enabled(
        if: IPv6Loopback.isConfigured, "skipped: this machine has no IPv6 loopback address (no ::1 on lo in /proc/net/if_inet6)"))
struct IngestIPv6Tests {
    @Test func anIPv6ListenerTakesAWinAndStoresIt() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "ipv6-secret")
        defer { wallet.stop() }
        let token = "ipv6-" + UUID().uuidString
        let tokenFile = directory.write("token", token)
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: "ipv6-secret", extra: fastDelivery())
            ], extraTopLevel: #""ingest": {"listen": "[::1]:0", "tokens": [{"name": "p", "tokenFile": "\#(tokenFile)"}]}"#)
        let daemon = try DaemonProcess(["run", "--config", config], logPath: directory.path("daemon.log"))
        await daemon.waitForStart()
        let marker = "event=ingest_listening address=[::1]:"
        let log = daemon.log
        let port = try #require(log.range(of: marker).flatMap { Int(log[$0.upperBound...].prefix { $0.isNumber }) }, "\(log)")
        #expect(port > 0)

        let posted = try #require(
            await httpRequest(
                host: "::1", port: port, "POST", "/v1/wins", token: token, contentType: "application/json",
                body: Array(winLine("ipv6-1", operator: "casino-a").utf8)))
        #expect(posted.status == 201, "\(posted.text)")
        #expect(posted.string("result") == "accepted")
        #expect(try OutboxProbe(directory.path("outbox.sqlite3")).win("ipv6-1")?.amount == "55")

        let status = try #require(await httpRequest(host: "::1", port: port, "GET", "/v1/wins/ipv6-1", token: token))
        #expect(status.status == 200, "\(status.text)")
        #expect(status.string("reference") == "ipv6-1")

        daemon.send(SIGTERM)
        #expect(await daemon.waitForExit(within: 20) == 0)
    }
}

/// Whether `::1` is configured on the loopback interface, as the kernel lists it.
enum IPv6Loopback {
    static let isConfigured: Bool = {
        guard let table = try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8) else { return false }
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.first == "00000000000000000000000000000001" && fields.last == "lo"
        }
    }()
}

import Foundation
import Testing
import JackpotCLI
import JackpotWire
import TestSupport

/// `show` names the proxy a request travels through, with its password masked.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct ShowProxyTests {
    static let proxyPassword = "proxy-pass-31e"

    @Test func showNamesTheProxyMasked() async throws {
        let fixture = try OpsFixture([
            FixtureOperator("casino-a", extra: "\"proxy\": \"http://egress:\(Self.proxyPassword)@127.0.0.1:3128\"")
        ])
        try await fixture.enqueue([winLine("proxied-1", operator: "casino-a")])

        let text = await fixture.cli(["show", "proxied-1"])
        #expect(text.code == .success)
        #expect(text.output.contains("  via proxy http://egress:***@127.0.0.1:3128 (CONNECT)\n"))
        #expect(!text.output.contains(Self.proxyPassword))

        let json = try await fixture.showJSON("proxied-1")
        guard case .object(let request)? = json["request"] else {
            Issue.record("no request object in \(json)")
            return
        }
        #expect(request["proxy"] == .string("http://egress:***@127.0.0.1:3128"))
        #expect(request["clientCertificateFile"] == .null)
    }
}

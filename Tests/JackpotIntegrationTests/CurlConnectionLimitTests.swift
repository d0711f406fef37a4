import Testing
import JackpotDelivery
import JackpotWire
import OperatorSimulator

/// The transport's connection limit (`transport.maxConnections`): at the limit an
/// idle connection to one host is closed to open one to another, so calls to more
/// hosts than the limit still all go through, none waiting for a free connection.
@Suite(.timeLimit(.minutes(2)), .oneTestPerCore) struct CurlConnectionLimitTests {
    typealias Fixtures = ScriptedOperatorFixtures

    @Test func callsToMoreHostsThanTheLimitAllSucceed() async throws {
        let wallets = try (0..<3).map { _ in try ScriptedOperator(secret: Fixtures.secret) }
        let transport = CurlTransport(
            maximumConnectionsPerHost: 4, connections: CurlConnectionSettings(maxConnections: 1, idleConnectionSeconds: 50))
        defer {
            transport.shutdown()
            for wallet in wallets { wallet.stop() }
        }
        for round in 0..<5 {
            for (index, wallet) in wallets.enumerated() {
                let request = Fixtures.jsonRequest(url: wallet.url, reference: "limit-\(round)-\(index)")
                let answer = try Fixtures.answer(await transport.send(request, timeoutSeconds: 5))
                #expect(answer["error"] == .number("0"))
            }
        }
        #expect(wallets.map(\.snapshot.credited) == [5, 5, 5])
    }

    @Test func concurrentCallsAboveTheLimitWaitForAConnectionAndSucceed() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        let transport = CurlTransport(
            maximumConnectionsPerHost: 8, connections: CurlConnectionSettings(maxConnections: 2, idleConnectionSeconds: 50))
        defer {
            transport.shutdown()
            wallet.stop()
        }
        let failures = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let request = Fixtures.jsonRequest(url: wallet.url, reference: "queued-\(index)")
                    if case .success(let response) = await transport.send(request, timeoutSeconds: 10) {
                        return response.status != 200
                    }
                    return true
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 0)
        #expect(wallet.snapshot.credited == 8)
    }
}

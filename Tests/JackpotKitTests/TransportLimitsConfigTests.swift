import Testing
import JackpotConfiguration

/// The top-level `transport` block: connection limits of the HTTP transport,
/// their defaults (derived from the calls that can be in flight) and the
/// problems a bad value is refused with.
@Suite(.timeLimit(.minutes(1))) struct TransportLimitsConfigTests {
    static let operatorBody = #""url": "https://wallet.casino-a.example/win", "secret": "s", "concurrency": 3"#

    private func parse(_ top: String) throws(ConfigError) -> JackpotConfig {
        let extra = top.isEmpty ? "" : top + ", "
        let json =
            #"{ \#(extra)"providerId": "luckymonaco", "operators": { "casino-a": { \#(Self.operatorBody) }, "casino-b": { \#(Self.operatorBody) } } }"#
        return try ConfigLoader.parse(Array(json.utf8), path: "config.json", baseDirectory: "/", environment: [:]).config
    }

    private func problems(_ top: String) -> [String] {
        do {
            let config = try parse(top)
            Issue.record("config was accepted: \(config.transport)")
            return []
        } catch {
            return error.problems.map { "\($0.keyPath): \($0.message)" }
        }
    }

    @Test func bothKeysAreRead() throws {
        let config = try parse(#""transport": { "maxConnections": 300, "idleConnectionSeconds": 20.5 }"#)
        #expect(config.transport.maxConnections == 300)
        #expect(config.transport.idleConnectionSeconds == 20.5)
        #expect(config.maxConnections == 300)
    }

    @Test func defaultsAreTwiceTheCallsInFlightAndFiftySeconds() throws {
        let config = try parse("")
        #expect(config.transport == TransportSettings())
        #expect(config.transport.idleConnectionSeconds == 50)
        // Two operators of 3 in flight: 6 calls at most, so at least the floor of 16.
        #expect(config.maxConnections == 16)

        let many = try parse(#""concurrency": 20"#)
        var wide = many
        for name in Array(wide.operators.keys) { wide.operators[name]?.concurrency = 50 }
        // The global limit (20) is lower than the operators' 100 together.
        #expect(wide.maxConnections == 40)
    }

    @Test func badValuesAndUnknownKeysAreRefusedByKeyPath() {
        #expect(problems(#""transport": { "maxConnections": 0 }"#).first?.hasPrefix("transport.maxConnections: must be") == true)
        #expect(
            problems(#""transport": { "maxConnections": 1.5 }"#).first?.hasPrefix("transport.maxConnections: must be") == true)
        #expect(
            problems(#""transport": { "idleConnectionSeconds": 0.5 }"#)
                == ["transport.idleConnectionSeconds: must be a number of seconds from 1 to 3600, got 0.5"])
        #expect(problems(#""transport": { "maxConnection": 10 }"#).first?.hasPrefix("transport.maxConnection:") == true)
        #expect(problems(#""transport": 10"#).first?.hasPrefix("transport:") == true)
    }
}

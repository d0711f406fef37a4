import Foundation
import JackpotConfiguration
import JackpotDelivery
import JackpotIngest
import JackpotTelemetry
import JackpotWire

/// `demo --ingest`: the HTTP listener beside the demo's daemon, and one win
/// posted to it the way a game platform would (jackpotd's own libcurl
/// transport as the client), then read back with `GET /v1/wins/{reference}`.
struct DemoIngest {
    let server: IngestServer
    let token: String
    let port: Int
    let reference = String(format: "demo-http-%08x", UInt32.random(in: 0...UInt32.max))

    init(config: JackpotConfig, databasePath: String, logger: Logger) throws {
        token = (0..<4).map { _ in String(format: "%08x", UInt32.random(in: 0...UInt32.max)) }.joined()
        let ingest = IngestConfig(listen: .inet(host: "127.0.0.1", port: 0), tokens: [IngestToken(name: "demo", token: token)])
        let metrics = MetricsRegistry()
        server = try IngestServer(
            config: config, ingest: ingest, databasePath: databasePath, logger: logger, metrics: metrics,
            metricsPage: { _ in metrics.renderUTF8() })
        port = Int(server.boundAddress.split(separator: ":").last ?? "") ?? 0
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The win's line as `enqueue` would read it.
    var winLine: String {
        #"{"operator":"healthy-casino","userId":"4242","gameId":"Im_60_tumblefortune","roundId":"5103199999","amount":125.5,"reference":"\#(reference)","jackpotId":"568"}"#
    }

    /// What the platform would type, and what came back.
    func post(_ transport: CurlTransport) async -> [String] {
        let request = HTTPRequestData(
            url: url + "/v1/wins",
            headers: [HTTPHeader("Authorization", "Bearer \(token)"), HTTPHeader("Content-Type", "application/json")],
            body: Array(winLine.utf8), transport: TransportOptions(allowInsecureHTTP: true))
        return [
            "  $ curl -H 'Authorization: Bearer …' -H 'Content-Type: application/json' -d '\(winLine)' \(url)/v1/wins",
            "  " + Self.describe(await transport.send(request, timeoutSeconds: 10)),
        ]
    }

    func status(_ transport: CurlTransport) async -> [String] {
        let request = HTTPRequestData(
            method: "GET", url: url + "/v1/wins/" + reference, headers: [HTTPHeader("Authorization", "Bearer \(token)")],
            body: [], transport: TransportOptions(allowInsecureHTTP: true))
        return [
            "  $ curl -H 'Authorization: Bearer …' \(url)/v1/wins/\(reference)",
            "  " + Self.describe(await transport.send(request, timeoutSeconds: 10)),
        ]
    }

    private static func describe(_ result: HTTPExchangeResult) -> String {
        switch result {
        case .success(let response):
            "\(response.status) \(String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))"
        case .failure(let failure):
            "failed: \(failure)"
        }
    }
}

import Foundation
import JackpotWire
import OperatorSimulator
import TestSupport

/// A real `jackpotd run` child with the HTTP listener on a kernel-chosen
/// loopback port, and the tokens it accepts: `platform` for every operator,
/// `onlyB` for casino-b only.
final class IngestDaemon {
    let directory: TemporaryDirectory
    let wallet: ScriptedOperator
    let process: DaemonProcess
    let port: Int
    let configPath: String
    let platformToken = "platform-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
    let onlyBToken = "only-b-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
    static let secret = "ingest-secret"

    var databasePath: String { directory.path("outbox.sqlite3") }
    var probe: OutboxProbe { OutboxProbe(databasePath) }

    /// `limits` is the JSON of `ingest.limits`; `tls` of `ingest.tls`.
    init(
        limits: String = "{}", tls: String? = nil, operatorExtra: String = fastDelivery(), topLevel: String = "",
        arguments: [String] = []
    ) async throws {
        directory = TemporaryDirectory()
        wallet = try ScriptedOperator(secret: Self.secret)
        directory.write("tokens/platform", platformToken + "\n")
        directory.write("tokens/only-b", onlyBToken)
        configPath = Self.writeConfig(
            directory, wallet: wallet, tokens: ["platform": "tokens/platform", "onlyB": "tokens/only-b"],
            limits: limits, tls: tls, operatorExtra: operatorExtra, topLevel: topLevel)
        process = try DaemonProcess(["run", "--config", configPath] + arguments, logPath: directory.path("daemon.log"))
        let process = process
        let listening = await eventually { process.log.contains("event=ingest_listening") || !process.process.isRunning }
        guard listening, let port = Self.port(in: process.log) else {
            throw IngestDaemonFailure(log: process.log)
        }
        self.port = port
        await process.waitForStart()
    }

    /// Rewrites the config (same operators, these tokens by name → file under the directory).
    @discardableResult
    static func writeConfig(
        _ directory: TemporaryDirectory, wallet: ScriptedOperator, tokens: [String: String], limits: String = "{}",
        tls: String? = nil, operatorExtra: String = fastDelivery(), topLevel: String = ""
    ) -> String {
        let tokenList = tokens.keys.sorted().map { name in
            let scope = name == "onlyB" ? ", \"operators\": [\"casino-b\"]" : ""
            return "{\"name\": \"\(name)\", \"tokenFile\": \(JSONWriter.quoted(directory.path(tokens[name]!)))\(scope)}"
        }
        var ingest = "\"listen\": \"127.0.0.1:0\", \"tokens\": [\(tokenList.joined(separator: ", "))], \"limits\": \(limits)"
        if let tls { ingest += ", \"tls\": \(tls)" }
        return TestSupport.writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: secret, extra: operatorExtra),
                TestOperator(name: "casino-b", url: wallet.url, secret: secret, extra: operatorExtra),
            ], extraTopLevel: "\"ingest\": {\(ingest)}" + (topLevel.isEmpty ? "" : ", " + topLevel))
    }

    static func port(in log: String) -> Int? {
        guard let range = log.range(of: "event=ingest_listening address=127.0.0.1:") else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }

    /// `jackpotd_ingest_commits_total` from `/metrics`: write transactions, each one fsync.
    func commits() async -> Int? {
        await metric("jackpotd_ingest_commits_total")
    }

    /// A metric without labels from `/metrics`; 0 when absent, nil when the page could not be read.
    func metric(_ name: String) async -> Int? {
        guard let page = await httpRequest(port: port, "GET", "/metrics") else { return nil }
        for line in page.text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ")[1]).map { Int($0) }
        }
        return 0
    }

    func stop() async {
        process.send(SIGTERM)
        _ = await process.waitForExit(within: 20)
        wallet.stop()
    }
}

struct IngestDaemonFailure: Error, CustomStringConvertible {
    let log: String
    var description: String { "the daemon did not start its listener:\n\(log)" }
}

import Foundation
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator

/// Writes a config file for a child `jackpotd` process, secrets in files beside it:
/// what `BenchOperator` sets (timeouts, concurrency, back-off, circuit threshold, grace).
enum ConfigFile {
    static func write(_ config: JackpotConfig, in directory: String) throws -> String {
        var operators: [(String, JSONValue)] = []
        for (name, op) in config.operators.sorted(by: { $0.key < $1.key }) {
            let secretFile = directory + "/secret-\(name)"
            try Data(op.secret.utf8).write(to: URL(fileURLWithPath: secretFile))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretFile)
            operators.append((name, .object(JSONObject([
                ("url", .string(op.url)), ("secretFile", .string(secretFile)), ("allowInsecureHTTP", .bool(true)),
                ("timeoutSeconds", .number(String(op.timeoutSeconds))), ("concurrency", .number(String(op.concurrency))),
                ("retry", .object(JSONObject([
                    ("initialDelaySeconds", .number(String(op.retry.initialDelaySeconds))),
                    ("maxDelaySeconds", .number(String(op.retry.maxDelaySeconds))),
                ]))),
                ("circuit", .object(JSONObject([("failureThreshold", .number(String(op.circuit.failureThreshold)))]))),
            ]))))
        }
        let object = JSONObject([
            ("database", .string(config.database ?? directory + "/outbox.sqlite3")),
            ("providerId", .string(config.providerId)),
            ("shutdownGraceSeconds", .number(String(config.shutdownGraceSeconds))),
            ("operators", .object(JSONObject(operators))),
        ])
        let path = directory + "/config.json"
        try Data(JSONWriter.serialize(.object(object)).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

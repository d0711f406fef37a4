import Foundation
import JackpotConfiguration
import JackpotWire

/// Writes a config file for a child `jackpotd` process, secrets in files beside it:
/// what `BenchOperator` sets (timeouts, concurrency, back-off, circuit threshold, grace,
/// plain HTTP or a CA to trust) and the global concurrency. Operators with the same
/// secret share its file, so a config of thousands of operators writes a few files.
enum ConfigFile {
    static func write(_ config: JackpotConfig, in directory: String) throws -> String {
        var operators: [(String, JSONValue)] = []
        var secretFiles: [String: String] = [:]
        for (name, op) in config.operators.sorted(by: { $0.key < $1.key }) {
            let secretFile =
                try secretFiles[op.secret]
                ?? {
                    let path = directory + "/secret-\(name)"
                    try Data(op.secret.utf8).write(to: URL(fileURLWithPath: path))
                    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
                    secretFiles[op.secret] = path
                    return path
                }()
            var tls: [(String, JSONValue)] = []
            if let caFile = op.tls.caFile { tls.append(("caFile", .string(caFile))) }
            operators.append(
                (
                    name,
                    .object(
                        JSONObject(
                            [
                                ("url", .string(op.url)), ("secretFile", .string(secretFile)),
                                ("allowInsecureHTTP", .bool(op.allowInsecureHTTP)),
                                ("timeoutSeconds", .number(String(op.timeoutSeconds))),
                                ("concurrency", .number(String(op.concurrency))),
                                (
                                    "retry",
                                    .object(
                                        JSONObject([
                                            ("initialDelaySeconds", .number(String(op.retry.initialDelaySeconds))),
                                            ("maxDelaySeconds", .number(String(op.retry.maxDelaySeconds))),
                                        ]))
                                ),
                                (
                                    "circuit",
                                    .object(JSONObject([("failureThreshold", .number(String(op.circuit.failureThreshold)))]))
                                ),
                            ] + (tls.isEmpty ? [] : [("tls", .object(JSONObject(tls)))])))
                ))
        }
        var transport: [(String, JSONValue)] = [
            ("idleConnectionSeconds", .number(String(config.transport.idleConnectionSeconds)))
        ]
        if let limit = config.transport.maxConnections { transport.append(("maxConnections", .number(String(limit)))) }
        let object = JSONObject([
            ("database", .string(config.database ?? directory + "/outbox.sqlite3")),
            ("providerId", .string(config.providerId)),
            ("shutdownGraceSeconds", .number(String(config.shutdownGraceSeconds))),
            ("concurrency", .number(String(config.globalConcurrency))),
            ("transport", .object(JSONObject(transport))),
            ("operators", .object(JSONObject(operators))),
        ])
        let path = directory + "/config.json"
        try Data(JSONWriter.serialize(.object(object)).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

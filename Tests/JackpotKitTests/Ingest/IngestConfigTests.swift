import Foundation
import Testing
import JackpotConfiguration
import TestSupport

/// The `ingest` object: what it decodes to, and every refusal pointing at its key path.
@Suite(.timeLimit(.minutes(2))) struct IngestConfigTests {
    private let directory = TemporaryDirectory()
    static let environment = ["CASINO_A_SECRET": "testKey", "INGEST_TOKEN": "0123456789abcdef0123"]

    private func document(_ ingest: String) -> String {
        #"{ "providerId": "p", "operators": { "casino-a": { "url": "https://w.example/", "secretEnv": "CASINO_A_SECRET" } }, "ingest": \#(ingest) }"#
    }

    private func parse(_ ingest: String) throws(ConfigError) -> LoadedConfig {
        try ConfigLoader.parse(
            Array(document(ingest).utf8), path: "config.json", baseDirectory: directory.path, environment: Self.environment)
    }

    private func problems(_ ingest: String) -> [String] {
        do {
            _ = try parse(ingest)
            Issue.record("accepted: \(ingest)")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func decodesListenTokensTLSAndLimits() throws {
        directory.write("token", "fedcba9876543210fedcba\n")
        let certificate = directory.write("server.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        let key = directory.write("server.key", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n")
        let loaded = try parse(
            """
            {"listen": "[::1]:8470",
             "tokens": [{"name": "platform", "tokenFile": "token"},
                        {"name": "next", "tokenEnv": "INGEST_TOKEN", "operators": ["casino-a"]}],
             "tls": {"certificateFile": "\(certificate)", "keyFile": "\(key)"},
             "limits": {"maxBodyBytes": 2048, "maxLinesPerRequest": 5, "maxConnections": 9, "requestTimeoutSeconds": 3}}
            """)
        let ingest = try #require(loaded.config.ingest)
        #expect(ingest.listen == .inet6(host: "::1", port: 8470))
        #expect(
            ingest.tokens == [
                IngestToken(name: "platform", token: "fedcba9876543210fedcba"),
                IngestToken(name: "next", token: "0123456789abcdef0123", operators: ["casino-a"]),
            ])
        #expect(ingest.tls == IngestTLSFiles(certificateFile: certificate, keyFile: key))
        #expect(ingest.limits.maxBodyBytes == 2048 && ingest.limits.maxLinesPerRequest == 5)
        #expect(ingest.limits.maxConnections == 9 && ingest.limits.requestTimeoutSeconds == 3)
        #expect(!"\(ingest.tokens)".contains("fedcba"))
    }

    @Test func absentMeansNoListener() throws {
        let json =
            #"{ "providerId": "p", "operators": { "casino-a": { "url": "https://w.example/", "secretEnv": "CASINO_A_SECRET" } } }"#
        let loaded = try ConfigLoader.parse(
            Array(json.utf8), path: "c", baseDirectory: directory.path, environment: Self.environment)
        #expect(loaded.config.ingest == nil)
    }

    @Test func listenAddresses() {
        #expect(ConfigLoader.parseListen("127.0.0.1:8470") == .inet(host: "127.0.0.1", port: 8470))
        #expect(ConfigLoader.parseListen("0.0.0.0:0") == .inet(host: "0.0.0.0", port: 0))
        #expect(ConfigLoader.parseListen("[::1]:1") == .inet6(host: "::1", port: 1))
        #expect(ConfigLoader.parseListen("/run/jackpotd/ingest.sock") == .unix(path: "/run/jackpotd/ingest.sock"))
        for bad in ["localhost:8470", "127.0.0.1", "127.0.0.1:99999", "::1:8470", "[::1]", "1.2.3.4:x", "relative.sock"] {
            #expect(ConfigLoader.parseListen(bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: [
        (#"{"tokens": [{"name": "p", "tokenEnv": "INGEST_TOKEN"}]}"#, "ingest.listen: is required"),
        (
            #"{"listen": "localhost:1", "tokens": [{"name": "p", "tokenEnv": "INGEST_TOKEN"}]}"#,
            "ingest.listen: must be IPv4:port"
        ),
        (#"{"listen": "127.0.0.1:1"}"#, "ingest.tokens: is required"),
        (#"{"listen": "127.0.0.1:1", "tokens": []}"#, "ingest.tokens: must be a non-empty array"),
        (#"{"listen": "127.0.0.1:1", "tokens": [{"tokenEnv": "INGEST_TOKEN"}]}"#, "ingest.tokens[0].name: is required"),
        (#"{"listen": "127.0.0.1:1", "tokens": [{"name": "p"}]}"#, "ingest.tokens[0]: needs \"tokenFile\""),
        (
            #"{"listen": "127.0.0.1:1", "tokens": [{"name": "p", "tokenEnv": "NOPE"}]}"#,
            "ingest.tokens[0].tokenEnv: environment variable NOPE is not set"
        ),
        (
            #"{"listen": "127.0.0.1:1", "tokens": [{"name": "p", "tokenEnv": "CASINO_A_SECRET"}]}"#,
            "ingest.tokens[0].tokenEnv: the token is shorter than 16"
        ),
        (
            #"{"listen": "127.0.0.1:1", "tokens": [{"name": "p", "tokenEnv": "INGEST_TOKEN", "operators": ["casino-x"]}]}"#,
            "ingest.tokens[0].operators[0]: \"casino-x\" is not a configured operator (did you mean \"casino-a\"?)"
        ),
        (
            #"{"listen": "127.0.0.1:1", "tokens": [{"name": "p", "tokenEnv": "INGEST_TOKEN"}, {"name": "p", "tokenEnv": "INGEST_TOKEN"}]}"#,
            "ingest.tokens[1].name: \"p\" names another token too"
        ),
        (
            #"{"listen": "10.0.0.5:8470", "tokens": [{"name": "p", "tokenEnv": "INGEST_TOKEN"}]}"#,
            "ingest.listen: plain HTTP on 10.0.0.5:8470"
        ),
        (
            #"{"listen": "127.0.0.1:1", "tokens": [{"name": "p", "tokenEnv": "INGEST_TOKEN"}], "limits": {"maxBodyBytes": 10}}"#,
            "ingest.limits.maxBodyBytes: must be a whole number from 1024"
        ),
        (
            #"{"listen": "127.0.0.1:1", "tokens": [{"name": "p", "tokenEnv": "INGEST_TOKEN"}], "limit": {}}"#,
            "ingest.limit: unknown key; did you mean \"limits\"?"
        ),
        (
            #"{"listen": "127.0.0.1:1", "tokens": [{"name": "p", "tokenEnv": "INGEST_TOKEN"}], "tls": {"certificateFile": "/nope.pem"}}"#,
            "ingest.tls.keyFile: is required"
        ),
    ])
    func refusalsNameTheKeyPath(ingest: String, expected: String) {
        let found = problems(ingest)
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    @Test func plainHTTPBeyondLoopbackNeedsAllowInsecureHTTP() throws {
        let loaded = try parse(
            #"{"listen": "0.0.0.0:8470", "allowInsecureHTTP": true, "tokens": [{"name": "p", "tokenEnv": "INGEST_TOKEN"}]}"#)
        #expect(loaded.config.ingest?.allowInsecureHTTP == true)
    }
}

import Foundation
import Testing
import JackpotCLI
import TestSupport
import JackpotConfiguration
import JackpotWire

/// The per-operator transport keys: `tls.*` and `proxy`, as the loader, `check`
/// and `show` see them.
@Suite(.timeLimit(.minutes(2))) struct TransportConfigTests {
    private let directory = TemporaryDirectory()
    static let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static let proxyPassword = "proxy-pass-31e"

    private func parse(_ members: String) throws(ConfigError) -> LoadedConfig {
        let json = ConfigLoaderTests.document(body: ConfigLoaderTests.baseOperator + ", " + members)
        return try ConfigLoader.parse(
            Array(json.utf8), path: directory.path("config.json"), baseDirectory: directory.path,
            environment: ConfigLoaderTests.environment)
    }

    private func problems(_ members: String) -> [ConfigProblem] {
        do {
            let loaded = try parse(members)
            Issue.record("config was accepted: \(loaded.config)")
            return []
        } catch {
            return error.problems
        }
    }

    @Test func tlsFilesAndProxyDecodeAndReachTheRequest() throws {
        directory.write("tls/client.pem", Self.pem, mode: 0o644)
        directory.write("tls/client.key", Self.pem.replacingOccurrences(of: "CERTIFICATE", with: "PRIVATE KEY"))
        let ca = directory.write("tls/ca.pem", Self.pem, mode: 0o644)
        let loaded = try parse(
            """
            "tls": {"clientCertificateFile": "tls/client.pem", "clientKeyFile": "tls/client.key", "caFile": "\(ca)"},
            "proxy": "http://egress:\(Self.proxyPassword)@10.0.0.7:3128"
            """)
        let casino = try #require(loaded.config.operators["casino-a"])
        // Relative paths resolve against the config file's directory.
        #expect(
            casino.tls
                == TLSSettings(
                    clientCertificateFile: directory.path("tls/client.pem"), clientKeyFile: directory.path("tls/client.key"),
                    caFile: ca))
        #expect(casino.proxy == "http://egress:\(Self.proxyPassword)@10.0.0.7:3128")
        #expect(loaded.warnings.isEmpty)

        let win = try JackpotWin(
            operatorName: "casino-a", userId: "421", gameId: "g", roundId: "r", amount: DecimalAmount(validating: "5"),
            reference: "ref-1",
            timestamp: "1482429190374", jackpotId: "568")
        let request = try WireRequest.build(win: win, providerId: "luckymonaco", operator: casino)
        #expect(
            request.http.transport
                == TransportOptions(
                    allowInsecureHTTP: false, clientCertificateFile: directory.path("tls/client.pem"),
                    clientKeyFile: directory.path("tls/client.key"), caFile: ca,
                    proxy: "http://egress:\(Self.proxyPassword)@10.0.0.7:3128"))
    }

    @Test func aKeyReadableByOthersIsAWarning() throws {
        directory.write("client.pem", Self.pem)
        directory.write("client.key", Self.pem, mode: 0o644)
        let loaded = try parse(#""tls": {"clientCertificateFile": "client.pem", "clientKeyFile": "client.key"}"#)
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.hasPrefix("operators.casino-a.tls.clientKeyFile: ") == true)
    }

    @Test func missingUnreadableOrNonPEMFilesAreNamedByKey() {
        directory.write("not-pem.txt", "hello\n")
        let found = problems(#""tls": {"caFile": "missing.pem", "clientCertificateFile": "not-pem.txt", "clientKeyFile": "."}"#)
        let byKey = Dictionary(found.map { ($0.keyPath, $0.message) }, uniquingKeysWith: { $0 + "; " + $1 })
        #expect(byKey.count == 3)
        #expect(byKey["operators.casino-a.tls.caFile"]?.contains("No such file or directory") == true)
        #expect(byKey["operators.casino-a.tls.clientCertificateFile"]?.contains("no PEM block") == true)
        #expect(byKey["operators.casino-a.tls.clientKeyFile"]?.contains("not a regular file") == true)
    }

    @Test func certificateAndKeyComeTogether() {
        directory.write("client.pem", Self.pem)
        let withoutKey = problems(#""tls": {"clientCertificateFile": "client.pem"}"#)
        #expect(withoutKey.map(\.keyPath) == ["operators.casino-a.tls.clientKeyFile"])
        #expect(withoutKey.first?.message.contains("mutual TLS needs both") == true)
        let withoutCertificate = problems(#""tls": {"clientKeyFile": "client.pem"}"#)
        #expect(withoutCertificate.map(\.keyPath) == ["operators.casino-a.tls.clientCertificateFile"])
    }

    @Test func unknownTLSKeyGetsASuggestion() {
        let found = problems(#""tls": {"caFiel": "x"}"#)
        #expect(found.map(\.keyPath) == ["operators.casino-a.tls.caFiel"])
        #expect(found.first?.message.contains("did you mean \"caFile\"?") == true)
    }

    @Test(arguments: [
        ("socks5://10.0.0.7:1080", "got scheme \"socks5\""),
        ("http://u:\(proxyPassword)@10.0.0.7:3128/path?x=1", "without a path or query"),
        ("10.0.0.7:3128", "proxy URL"),
        ("http://", "must name a host"),
    ])
    func badProxiesAreRefusedWithoutShowingTheirCredentials(proxy: String, mentions: String) {
        let found = problems("\"proxy\": \(JSONWriter.quoted(proxy))")
        #expect(found.map(\.keyPath) == ["operators.casino-a.proxy"])
        #expect(found.first?.message.contains(mentions) == true, "\(found)")
        #expect(found.first?.message.contains(Self.proxyPassword) == false)
    }

    @Test func checkSummarisesTheProxyMaskedAndTheTLSFiles() async {
        let ca = directory.write("ca.pem", Self.pem, mode: 0o644)
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(
                    name: "casino-a", url: "http://127.0.0.1:8081/V4/JackPotWin", secret: "s",
                    extra: "\"proxy\": \"http://egress:\(Self.proxyPassword)@127.0.0.1:3128\", \"tls\": {\"caFile\": \"\(ca)\"}")
            ])
        let result = await runCLI(["check", "--config", config])
        #expect(result.code == .success)
        let line = result.output.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        #expect(line.hasSuffix("  proxy http://egress:***@127.0.0.1:3128  ca \(ca)"), "\(line)")
        #expect(!result.output.contains(Self.proxyPassword))
    }
}

import Foundation
import Testing
import OperatorSimulator
import TestSupport

/// `ingest.listen` as a unix socket path: created for the group (0660),
/// answering like the TCP listener, and removed when the daemon stops.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct IngestUnixSocketTests {
    @Test func aUnixSocketListenerTakesWinsAndIsRemovedAtStop() async throws {
        let directory = TemporaryDirectory()
        let wallet = try ScriptedOperator(secret: "unix-secret")
        let token = "unix-" + UUID().uuidString
        let tokenFile = directory.write("token", token)
        let socketPath = directory.path("ingest.sock")
        let config = writeConfig(
            in: directory,
            operators: [
                TestOperator(name: "casino-a", url: wallet.url, secret: "unix-secret", extra: fastDelivery())
            ], extraTopLevel: #""ingest": {"listen": "\#(socketPath)", "tokens": [{"name": "p", "tokenFile": "\#(tokenFile)"}]}"#)
        let daemon = try DaemonProcess(["run", "--config", config], logPath: directory.path("daemon.log"))
        await daemon.waitForStart()
        try #require(daemon.log.contains("event=ingest_listening address=\(socketPath)"), "\(daemon.log)")
        var info = stat()
        try #require(stat(socketPath, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o660)

        let connection = try #require(RawHTTPConnection(unixPath: socketPath))
        let body = Array(winLine("unix-1", operator: "casino-a").utf8)
        connection.write(
            Array(
                ("POST /v1/wins HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n").utf8) + body)
        let answer = try #require(await connection.readResponse())
        #expect(answer.status == 201)
        #expect(try OutboxProbe(directory.path("outbox.sqlite3")).win("unix-1") != nil)

        daemon.send(SIGTERM)
        #expect(await daemon.waitForExit(within: 20) == 0)
        #expect(!FileManager.default.fileExists(atPath: socketPath))
        wallet.stop()
    }
}

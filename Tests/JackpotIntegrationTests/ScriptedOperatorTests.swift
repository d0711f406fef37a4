import Foundation
import Glibc
import Testing
import JackpotDelivery
import JackpotWire
import OperatorSimulator

/// Signed JackPotWin requests built by hand, the way an operator's docs describe them,
/// so the scripted operator is checked against the contract rather than our encoder.
enum ScriptedOperatorFixtures {
    static let secret = "testKey"

    static func fields(reference: String, amount: String = "55.5", userId: String = "421") -> [(key: String, value: String)] {
        [
            ("userId", userId), ("gameId", "Im_60_tumblefortune"), ("roundId", "5103188801"),
            ("amount", amount), ("reference", reference), ("providerId", "luckymonaco"),
            ("timestamp", "1482429190374"), ("jackpotId", "568"),
        ]
    }

    /// The scripted operator speaks plain http on loopback.
    static let loopback = TransportOptions(allowInsecureHTTP: true)

    /// A JSON body with `amount` as a number, signed with `secret`.
    static func jsonRequest(
        url: String, reference: String, amount: String = "55.5", userId: String = "421", secret: String = secret
    ) -> HTTPRequestData {
        let fields = fields(reference: reference, amount: amount, userId: userId)
        let hash = RequestHash.compute(fields, secret: secret)
        let members = fields.map { field in
            "\(JSONWriter.quoted(field.key)):" + (field.key == "amount" ? field.value : JSONWriter.quoted(field.value))
        }
        let body = "{" + (members + ["\"hash\":\(JSONWriter.quoted(hash))"]).joined(separator: ",") + "}"
        return HTTPRequestData(
            url: url, headers: [HTTPHeader("Content-Type", "application/json")], body: Array(body.utf8),
            transport: loopback)
    }

    static func formRequest(url: String, reference: String, userId: String) -> HTTPRequestData {
        let fields = fields(reference: reference, userId: userId)
        let hash = RequestHash.compute(fields, secret: secret)
        let body = (fields + [("hash", hash)])
            .map { "\(formEscape($0.key))=\(formEscape($0.value))" }
            .joined(separator: "&")
        return HTTPRequestData(
            url: url, headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8),
            transport: loopback)
    }

    private static func formEscape(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                output += "+"
            default:
                output += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return output
    }

    /// The answer's JSON object; fails the test when the body is not one.
    static func answer(_ result: HTTPExchangeResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONObject {
        let response = try #require(try? result.get(), sourceLocation: sourceLocation)
        #expect(response.status == 200, sourceLocation: sourceLocation)
        return try #require(try JSONValue.parse(response.body).objectValue, sourceLocation: sourceLocation)
    }
}

@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct ScriptedOperatorTests {
    typealias Fixtures = ScriptedOperatorFixtures

    @Test func signedJSONWinIsCreditedOnceAndRepeatsGetTheSameTransactionId() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown(); wallet.stop() }
        let request = Fixtures.jsonRequest(url: wallet.url, reference: "ref-json-1")

        let first = try Fixtures.answer(await transport.send(request, timeoutSeconds: 5))
        let second = try Fixtures.answer(await transport.send(request, timeoutSeconds: 5))

        #expect(first["error"] == .number("0"))
        #expect(first["description"] == .string("Success"))
        #expect(first["currency"] == .string("EUR"))
        #expect(first["cash"] == .string("55.5"))
        let transactionId = try #require(first["transactionId"]?.stringValue)
        #expect(!transactionId.isEmpty)
        #expect(second["transactionId"] == .string(transactionId))

        let credit = try #require(wallet.credit(for: "ref-json-1"))
        #expect(credit == Credit(transactionId: transactionId, amount: "55.5", userId: "421", timesReceived: 2))
        let snapshot = wallet.snapshot
        #expect(snapshot.requests == 2)
        #expect(snapshot.credited == 1)
        #expect(snapshot.duplicates == 1)
        #expect(snapshot.hashFailures == 0)
    }

    @Test func formEncodedWinIsCreditedWithDecodedValues() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown(); wallet.stop() }
        // Spaces, '&', '=' and non-ASCII must all survive form encoding for the hash to match.
        let userId = "player 7&x=é"
        let request = Fixtures.formRequest(url: wallet.url, reference: "ref-form-1", userId: userId)

        let answer = try Fixtures.answer(await transport.send(request, timeoutSeconds: 5))

        #expect(answer["error"] == .number("0"))
        let credit = try #require(wallet.credit(for: "ref-form-1"))
        #expect(credit.userId == userId)
        #expect(answer["transactionId"] == .string(credit.transactionId))
        #expect(wallet.snapshot.hashFailures == 0)
    }

    @Test func badHashIsAnsweredWithError110AndNotCredited() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown(); wallet.stop() }
        let request = Fixtures.jsonRequest(url: wallet.url, reference: "ref-bad-hash", secret: "wrong-secret")

        let answer = try Fixtures.answer(await transport.send(request, timeoutSeconds: 5))

        #expect(answer["error"] == .number("110"))
        #expect(answer["description"] == .string("Invalid hash"))
        #expect(answer["transactionId"] == nil)
        #expect(wallet.credit(for: "ref-bad-hash") == nil)
        #expect(wallet.snapshot.hashFailures == 1)
        #expect(wallet.snapshot.credited == 0)
    }

    @Test func numericTransactionIdsAboveTwoToThe53AreWrittenAsRawDigits() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret, numericTransactionIds: true)
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown(); wallet.stop() }

        let first = try await transport.send(Fixtures.jsonRequest(url: wallet.url, reference: "n-1"), timeoutSeconds: 5).get()
        let second = try await transport.send(Fixtures.jsonRequest(url: wallet.url, reference: "n-2"), timeoutSeconds: 5).get()

        let firstText = String(decoding: first.body, as: UTF8.self)
        #expect(firstText.contains("\"transactionId\":9007199254740993,"))
        #expect(try JSONValue.parse(second.body).objectValue?["transactionId"] == .number("9007199254740994"))
        #expect(wallet.credit(for: "n-2")?.transactionId == "9007199254740994")
    }

    @Test func queuedFaultsComeFirstThenThePlanDecides() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown(); wallet.stop() }
        wallet.enqueueFaults([.status(503, body: "down"), .errorCode(999, description: "Blocked")])
        wallet.setFaultPlan { number in number % 2 == 1 ? .errorCode(120, description: "Odd") : nil }

        var statuses: [String] = []
        for index in 1...5 {
            let response = try await transport.send(
                Fixtures.jsonRequest(url: wallet.url, reference: "plan-\(index)"), timeoutSeconds: 5
            ).get()
            let error = (try? JSONValue.parse(response.body).objectValue?["error"]).flatMap { $0 }
            statuses.append("\(response.status)/\(error.map(JSONWriter.serialize) ?? "-")")
        }

        // Requests 1-2 from the queue; then the plan: 3 odd → 120, 4 healthy, 5 odd → 120.
        #expect(statuses == ["503/-", "200/999", "200/120", "200/0", "200/120"])
        #expect(wallet.snapshot.faultsInjected == 4)
        #expect(wallet.snapshot.credited == 1)
        #expect(wallet.credit(for: "plan-4") != nil)
    }

    @Test func chunkedRequestBodiesAreRefused() throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        defer { wallet.stop() }
        let request = "POST /V4/JackPotWin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"

        let answer = try RawHTTPClient.exchange(port: wallet.port, request: request)

        #expect(answer.hasPrefix("HTTP/1.1 411 "))
        #expect(wallet.snapshot.credited == 0)
    }

    @Test func stopEndsAHangingExchangeAndClosesThePort() async throws {
        let wallet = try ScriptedOperator(secret: Fixtures.secret)
        let transport = CurlTransport(maximumConnectionsPerHost: 2)
        defer { transport.shutdown() }
        wallet.enqueueFaults([.hang])

        async let hanging = transport.send(Fixtures.jsonRequest(url: wallet.url, reference: "h-1"), timeoutSeconds: 30)
        while wallet.snapshot.requests == 0 { try await Task.sleep(for: .milliseconds(10)) }
        wallet.stop()

        // The server closed the held connection, so the client sees a connection failure, not its timeout.
        guard case .failure(.connection) = await hanging else {
            Issue.record("expected a connection failure after stop()")
            return
        }
        let afterStop = await transport.send(Fixtures.jsonRequest(url: wallet.url, reference: "h-2"), timeoutSeconds: 5)
        guard case .failure(.connection) = afterStop else {
            Issue.record("expected the stopped operator's port to refuse connections, got \(afterStop)")
            return
        }
    }
}

/// A bare socket client for what URLSession will not send (chunked uploads).
enum RawHTTPClient {
    struct Failure: Error { let call: String }

    /// Sends `request` and reads until the server closes the connection.
    static func exchange(port: Int, request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(call: "connect") }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw Failure(call: "send") }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: chunk[..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }
}

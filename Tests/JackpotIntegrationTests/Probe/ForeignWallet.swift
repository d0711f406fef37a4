import Foundation
import JackpotWire
import OperatorSimulator

/// A wallet written apart from `ScriptedOperator` and its `WalletDialect`, the
/// way a Laravel shop might write one: JSON only (a form body is a 415), its
/// own validator first ("The user id field is required." for `user_id`),
/// then a signature over its own fixed list of fields (no `platform`, no
/// `jackpotDetails`) refused as 401 "Wrong sign", and success as HTTP 201 with
/// `"error": "0"` and a running balance. The probe must find it from its words.
final class ForeignWallet: Sendable {
    private struct Books {
        var credits: [String: (id: Int, amount: Decimal)] = [:]
        var balance: [String: Decimal] = [:]
        var nextId = 5001
        var requests = 0
        var signatureFailures = 0
    }

    static let signed = ["amount", "gameId", "jackpotId", "providerId", "reference", "round_id", "timestamp", "user_id"]

    private let secret: String
    /// The flaw of a wallet that books a repeat again but answers with the first id.
    private let booksRepeatsAgain: Bool
    private let books = Locked(Books())
    private let server: HTTPServer

    var url: String { "http://127.0.0.1:\(server.port)/api/jackpot/win" }

    init(secret: String, booksRepeatsAgain: Bool = false) throws {
        self.secret = secret
        self.booksRepeatsAgain = booksRepeatsAgain
        let books = self.books
        server = try HTTPServer { request in
            .respond(Self.answer(request, secret: secret, booksRepeatsAgain: booksRepeatsAgain, books: books))
        }
    }

    deinit { server.stop() }

    func stop() { server.stop() }

    var requests: Int { books.withLock { $0.requests } }
    var signatureFailures: Int { books.withLock { $0.signatureFailures } }
    func credited(_ reference: String) -> Int? { books.withLock { $0.credits[reference]?.id } }

    private static func answer(
        _ request: HTTPServerRequest, secret: String, booksRepeatsAgain: Bool, books: Locked<Books>
    ) -> HTTPServerResponse {
        books.withLock { $0.requests += 1 }
        guard request.header("content-type")?.lowercased().hasPrefix("application/json") == true else {
            return HTTPServerResponse(status: 415, body: .bytes(Array("Unsupported Media Type".utf8)))
        }
        guard let object = try? JSONValue.parse(request.body).objectValue else {
            return .json(400, #"{"message":"Malformed JSON"}"#)
        }
        var input: [String: String] = [:]
        for (key, value) in object.members {
            switch value {
            case .string(let text): input[key] = text
            case .number(let digits): input[key] = digits
            default: break
            }
        }
        for name in signed where input[name, default: ""].isEmpty {
            let spoken = name.replacingOccurrences(of: "_", with: " ")
            return .json(422, #"{"message":"The \#(spoken) field is required."}"#)
        }
        let text = signed.sorted().map { "\($0)=\(input[$0]!)" }.joined(separator: "&")
        guard input["hash"] == MD5.hex(text + secret) else {
            books.withLock { $0.signatureFailures += 1 }
            return .json(401, #"{"message":"Wrong sign"}"#)
        }
        guard let amount = Decimal(string: input["amount"]!, locale: Locale(identifier: "en_US_POSIX")) else {
            return .json(422, #"{"message":"The amount must be a number."}"#)
        }
        let player = input["user_id"]!
        let reference = input["reference"]!
        let (id, balance) = books.withLock { books -> (Int, Decimal) in
            let earlier = books.credits[reference]
            if earlier == nil || booksRepeatsAgain {
                books.balance[player, default: 100] += amount
            }
            if earlier == nil {
                books.credits[reference] = (books.nextId, amount)
                books.nextId += 1
            }
            return (books.credits[reference]!.id, books.balance[player, default: 100])
        }
        return .json(
            201, #"{"transactionId":\#(id),"currency":"EUR","cash":\#(balance),"bonus":0,"error":"0","description":"OK"}"#)
    }
}

import Testing
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct OperatorResponseTests {
    @Test(arguments: [
        (
            #"{"transactionId":"tx-1","currency":"USD","cash":"99899.99","bonus":"99.99","error":0,"description":"Success"}"#,
            OperatorResponse(
                transactionId: "tx-1", currency: "USD", cash: "99899.99", bonus: "99.99", error: 0, description: "Success")
        ),
        (
            #"{"transactionId": 1482429190474, "currency": "USD", "cash": 99899.99, "bonus": 99.99, "error": 0, "description": "Success"}"#,
            OperatorResponse(
                transactionId: "1482429190474", currency: "USD", cash: "99899.99", bonus: "99.99", error: 0,
                description: "Success")
        ),
        (#"{"transactionId":9007199254740993}"#, OperatorResponse(transactionId: "9007199254740993")),
        (
            #"{"transactionId":123456789012345678901234567890,"cash":0.10000000000000000001}"#,
            OperatorResponse(transactionId: "123456789012345678901234567890", cash: "0.10000000000000000001")
        ),
        (#"{"currency":"EUR","cash":10}"#, OperatorResponse(currency: "EUR", cash: "10")),
        (
            #"{"transactionId":null,"error":100,"description":"Insufficient funds"}"#,
            OperatorResponse(error: 100, description: "Insufficient funds")
        ),
        (#"{"error":"120","description":"Player blocked"}"#, OperatorResponse(error: 120, description: "Player blocked")),
        (#"{"error":-1}"#, OperatorResponse(error: -1)),
        (#"{"transactionId":"","error":0}"#, OperatorResponse(transactionId: "", error: 0)),
        (#"{"transactionId":"t","extra":{"nested":[1,2]},"balance":true}"#, OperatorResponse(transactionId: "t")),
        ("\u{FEFF}{\"transactionId\":\"bom\"}", OperatorResponse(transactionId: "bom")),
        ("{}", OperatorResponse()),
    ])
    func parsesAnswers(body: String, expected: OperatorResponse) throws {
        #expect(try OperatorResponse.parse(Array(body.utf8)) == expected)
    }

    @Test(arguments: [
        ("<html><body>502 Bad Gateway</body></html>", "not JSON"),
        (#"{"transactionId":"tx-1","error":"#, "not JSON"),
        ("", "empty body"),
        ("[1,2]", "expected a JSON object, got array"),
        (#""ok""#, "expected a JSON object, got string"),
        ("0", "expected a JSON object, got number"),
        (#"{"transactionId":true}"#, "transactionId: expected a string or number, got boolean"),
        (#"{"transactionId":{"id":1}}"#, "transactionId: expected a string or number, got object"),
        (#"{"currency":840}"#, "currency: expected a string, got number"),
        (#"{"cash":[1]}"#, "cash: expected a string or number, got array"),
        (#"{"bonus":false}"#, "bonus: expected a string or number, got boolean"),
        (#"{"error":"oops"}"#, "error: expected an integer, got \"oops\""),
        (#"{"error":1.5}"#, "error: expected an integer, got \"1.5\""),
        (#"{"error":true}"#, "error: expected an integer, got boolean"),
        (#"{"error":99999999999999999999999}"#, "error: expected an integer"),
        (#"{"description":5}"#, "description: expected a string, got number"),
        (#"{"a":1,"a":2}"#, "duplicate key"),
    ])
    func rejectsBodies(body: String, reasonFragment: String) {
        #expect {
            try OperatorResponse.parse(Array(body.utf8))
        } throws: { error in
            (error as? ResponseParseError)?.reason.contains(reasonFragment) == true
        }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: ResponseParseError.self) {
            try OperatorResponse.parse([0x7B, 0x22, 0x74, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
        }
    }
}

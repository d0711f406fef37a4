/// The operator's answer, parsed without losing digits.
///
/// Wallets send `transactionId` as a string or as a number, and numeric ids
/// above 2^53 are common; they are kept as their exact source text because the
/// id is what ops reconcile against. Balances are kept as text for the same
/// reason. A JSON `null` counts as absent: wallets often send
/// `"transactionId": null` alongside an error.
package struct OperatorResponse: Sendable, Hashable {
    /// A JSON string as-is, or a JSON number's exact digits.
    package var transactionId: String?
    package var currency: String?
    /// Exact decimal text as sent (number text or string content).
    package var cash: String?
    package var bonus: String?
    /// A JSON integer or a string holding one.
    package var error: Int?
    package var description: String?

    package init(
        transactionId: String? = nil, currency: String? = nil, cash: String? = nil, bonus: String? = nil,
        error: Int? = nil, description: String? = nil
    ) {
        self.transactionId = transactionId
        self.currency = currency
        self.cash = cash
        self.bonus = bonus
        self.error = error
        self.description = description
    }

    /// Fails when the body is not a JSON object, or when a known field has a
    /// type that cannot mean what the API says; unknown fields are ignored so
    /// operators can add their own.
    package static func parse(_ body: [UInt8]) throws(ResponseParseError) -> OperatorResponse {
        var bytes = body[...]
        // Some wallet stacks prefix a UTF-8 byte order mark; it carries no meaning.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard !bytes.isEmpty else { throw ResponseParseError(reason: "empty body") }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw ResponseParseError(reason: "not JSON (\(error))")
        }
        guard let object = document.objectValue else {
            throw ResponseParseError(reason: "expected a JSON object, got \(document.kindName)")
        }
        var response = OperatorResponse()
        response.transactionId = try stringOrNumber(object, "transactionId")
        response.currency = try string(object, "currency")
        response.cash = try stringOrNumber(object, "cash")
        response.bonus = try stringOrNumber(object, "bonus")
        response.error = try integer(object, "error")
        response.description = try string(object, "description")
        return response
    }

    private static func string(_ object: JSONObject, _ key: String) throws(ResponseParseError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw ResponseParseError(field: key, expected: "a string", got: other)
        }
    }

    private static func stringOrNumber(_ object: JSONObject, _ key: String) throws(ResponseParseError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .number(let digits)?: return digits
        case let other?: throw ResponseParseError(field: key, expected: "a string or number", got: other)
        }
    }

    private static func integer(_ object: JSONObject, _ key: String) throws(ResponseParseError) -> Int? {
        let text: String
        switch object[key] {
        case nil, .null?: return nil
        case .number(let digits)?: text = digits
        case .string(let content)?: text = content
        case let other?: throw ResponseParseError(field: key, expected: "an integer", got: other)
        }
        guard let value = Int(text) else {
            throw ResponseParseError(reason: "\(key): expected an integer, got \(JSONWriter.quoted(text))")
        }
        return value
    }
}

/// Why an operator's answer could not be read; `reason` names the field when one is at fault.
package struct ResponseParseError: Error, Sendable, Hashable, CustomStringConvertible {
    package let reason: String

    package init(reason: String) {
        self.reason = reason
    }

    init(field: String, expected: String, got value: JSONValue) {
        self.reason = "\(field): expected \(expected), got \(value.kindName)"
    }

    package var description: String { reason }
}

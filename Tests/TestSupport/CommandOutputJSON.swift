import Testing
import JackpotWire

/// A JSON object from command output; fails the test when it is not one.
package func parseObject(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONObject {
    try #require(try JSONValue.parse(text).objectValue, "not a JSON object: \(text)", sourceLocation: sourceLocation)
}

/// Reading parsed JSON in assertions. Named `as…` to stay clear of any accessors JackpotKit may add.
extension JSONValue {
    package var asArray: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// A number's exact digits.
    package var asNumberText: String? {
        if case .number(let digits) = self { return digits }
        return nil
    }

    package var asBool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}

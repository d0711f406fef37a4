import JackpotWire

/// One HTTP answer: status, headers and body, built before libmicrohttpd sees it.
package struct IngestAnswer: Sendable {
    package var status: Int
    package var headers: [(String, String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The headers of a JSON answer, shared by every answer that has no others:
    /// one array for all of them rather than one built for each.
    static let jsonHeaders = [("Content-Type", "application/json")]

    /// A JSON body.
    package static func json(_ status: Int, _ object: JSONObject, headers: [(String, String)] = []) -> IngestAnswer {
        IngestAnswer(
            status: status, headers: headers.isEmpty ? jsonHeaders : jsonHeaders + headers,
            body: Array((JSONWriter.serialize(.object(object)) + "\n").utf8))
    }

    /// `{"error": message}`: one line that names the bad input and the fix.
    package static func error(_ status: Int, _ message: String, headers: [(String, String)] = []) -> IngestAnswer {
        json(status, JSONObject(["error": .string(message)]), headers: headers)
    }

    /// The writer is behind, or the daemon is stopping: nothing was stored, try again.
    package static func unavailable(_ message: String) -> IngestAnswer {
        error(503, message, headers: [("Retry-After", "1")])
    }
}

/// How the request body is encoded for one operator.
package enum BodyEncoding: String, Sendable, Hashable, CaseIterable {
    case json
    case form

    package var contentType: String {
        switch self {
        case .json: "application/json"
        case .form: "application/x-www-form-urlencoded"
        }
    }
}

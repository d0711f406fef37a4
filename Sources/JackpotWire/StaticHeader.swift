/// A request header an operator's config adds to every call (`headers`), such
/// as the `X-Api-Key` an API gateway in front of the wallet wants.
///
/// A secret one (read from a file or the environment) is shown as `***`
/// wherever a request is displayed, like a URL's query values.
package struct StaticHeader: Sendable, Hashable {
    package var name: String
    package var value: String
    package var isSecret: Bool

    package init(_ name: String, _ value: String, isSecret: Bool = false) {
        self.name = name
        self.value = value
        self.isSecret = isSecret
    }

    /// Headers libcurl or jackpotd itself writes: the body's framing and type,
    /// the connection's own, and the ones every call carries. A second copy
    /// would leave the wallet (or a gateway) picking one of them.
    package static let reservedNames: Set<String> = [
        "content-type", "content-length", "host", "transfer-encoding", "expect", "connection", "keep-alive",
        "te", "trailer", "upgrade", "proxy-connection", "proxy-authorization", "accept", "accept-encoding",
        "user-agent",
    ]

    /// An RFC 7230 token: what a header name may be made of.
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128
            && name.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "A"..."Z", "a"..."z", "0"..."9", "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~":
                    true
                default:
                    false
                }
            }
    }

    /// Printable ASCII (tabs and inner spaces allowed), no surrounding
    /// whitespace: nothing that could end the header line or be read two ways.
    package static func isValidValue(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 8192,
            let first = value.utf8.first, let last = value.utf8.last,
            first != 0x20, first != 0x09, last != 0x20, last != 0x09
        else { return false }
        return value.utf8.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 }
    }
}

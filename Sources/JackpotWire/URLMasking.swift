/// Operator URLs for logs and `show`.
///
/// Operators hand out URLs such as `…/JackPotWin?authToken=…`: the query is a
/// credential. Every query value and any userinfo password is replaced by
/// `***`, while keys, host and path stay readable so ops can still tell which
/// endpoint was called. Done on the raw text (not `URLComponents`) so nothing
/// else in the URL is re-encoded or normalised, and malformed URLs are masked too.
package enum URLMasking {
    package static let mask = "***"

    package static func masked(_ url: String) -> String {
        var rest = Substring(url)
        var fragment: Substring = ""
        if let hashIndex = rest.firstIndex(of: "#") {
            fragment = rest[hashIndex...]
            rest = rest[..<hashIndex]
        }
        var query: Substring?
        if let questionIndex = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: questionIndex)...]
            rest = rest[..<questionIndex]
        }

        var output = maskPassword(in: rest)
        if let query {
            output += "?" + query.split(separator: "&", omittingEmptySubsequences: false).map(maskPair).joined(separator: "&")
        }
        return output + fragment
    }

    /// `key=value` → `key=***`; a bare `value` (no `=`) may itself be a token, so it becomes `***`.
    private static func maskPair(_ pair: Substring) -> String {
        if pair.isEmpty { return "" }
        guard let equals = pair.firstIndex(of: "=") else { return mask }
        return pair[..<equals] + "=" + mask
    }

    /// `scheme://user:password@host/path` → `scheme://user:***@host/path`.
    private static func maskPassword(in text: Substring) -> String {
        guard let schemeEnd = text.firstRange(of: "://") else { return String(text) }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
        let authority = text[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return String(text) }
        let userinfo = authority[..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return String(text) }
        return text[..<authorityStart] + userinfo[...colon] + mask + authority[at...] + text[authorityEnd...]
    }
}

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

    /// A redirect's `Location`, for the attempt log. On the operator's own server
    /// (a relative location, or the scheme, host and port of `requestURL`) it is
    /// masked like any URL; on someone else's server its path and fragment are
    /// masked too: they may carry a session or token that server handed out,
    /// and only the host tells ops where the operator tried to send the win.
    package static func maskedRedirect(_ location: String, requestURL: String) -> String {
        var absolute = location
        if location.hasPrefix("//"), let scheme = requestURL.firstRange(of: "://") {
            absolute = requestURL[..<scheme.lowerBound] + ":" + location
        }
        guard let target = origin(of: absolute), target != origin(of: requestURL) else { return masked(location) }
        let text = masked(absolute)
        guard let schemeEnd = text.firstRange(of: "://") else { return text }
        let pathStart = text[schemeEnd.upperBound...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
        var rest = text[pathStart...]
        var fragment = ""
        if let hashIndex = rest.firstIndex(of: "#") {
            fragment = "#" + mask
            rest = rest[..<hashIndex]
        }
        var query: Substring = ""
        if let questionIndex = rest.firstIndex(of: "?") {
            query = rest[questionIndex...]
            rest = rest[..<questionIndex]
        }
        let path = rest.isEmpty || rest == "/" ? String(rest) : "/" + mask
        return text[..<pathStart] + path + query + fragment
    }

    /// `scheme://host:port`, lowercased, without userinfo and with the default
    /// port filled in; nil for a relative URL.
    static func origin(of url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        var authority = rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority.lowercased()
        let hasPort = host.last != "]" && host.contains(":")
        if !hasPort { host += scheme == "https" ? ":443" : scheme == "http" ? ":80" : "" }
        return scheme + "://" + host
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

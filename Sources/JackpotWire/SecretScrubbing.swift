import Foundation
/// Removes the win's player token, the operator's secret and the URL's query
/// values from text an operator sent back (an error page may echo the request)
/// before it is stored in the attempt log or logged: masking only when printing
/// would leave them in the database, its backups and exports.
package enum SecretScrubbing {
    package static let mask = "***"
    /// Shorter values are not searched for: masking every "1" in an answer would
    /// destroy the audit excerpt and protect nothing.
    package static let minimumLength = 4

    /// The values of `url`'s query (`?authToken=…`) and its userinfo password: credentials.
    package static func urlSecrets(_ url: String) -> [String] {
        var values: [String] = []
        let withoutFragment = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = withoutFragment.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let value = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).last ?? ""
                values.append(String(value))
                if let decoded = String(value).removingPercentEncodingIfPossible { values.append(decoded) }
            }
        }
        if let scheme = parts[0].range(of: "://") {
            let authority = parts[0][scheme.upperBound...].prefix { $0 != "/" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                values.append(String(authority[authority.index(after: colon)..<at]))
            }
        }
        return values
    }
}

extension String {
    /// Percent-decoding without Foundation; nil when nothing was encoded or the escapes are invalid UTF-8.
    fileprivate var removingPercentEncodingIfPossible: String? {
        guard contains("%") || contains("+") else { return nil }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") { bytes.append(UInt8(ascii: " ")); continue }
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

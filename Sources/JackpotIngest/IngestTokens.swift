import JackpotConfiguration

/// The bearer tokens the listener accepts, replaced as a whole on `SIGHUP`.
/// Several may be valid at once, so a platform can move to a new token before
/// the old one is removed.
package struct IngestTokens: Sendable {
    private let tokens: [(token: IngestToken, bytes: [UInt8])]

    package init(_ tokens: [IngestToken]) {
        self.tokens = tokens.map { ($0, Array($0.token.utf8)) }
    }

    /// The token an `Authorization: Bearer …` header carries, or nil. Every
    /// configured token is compared, each in time independent of where the
    /// bytes differ, so timing tells an attacker nothing about any of them.
    package func authenticate(authorization header: String?) -> IngestToken? {
        guard let header, header.utf8.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let presented = Array(header.utf8.dropFirst(7))
        var match: IngestToken?
        for candidate in tokens where Self.constantTimeEquals(presented, candidate.bytes) {
            match = candidate.token
        }
        return match
    }

    /// Equality whose running time depends only on the lengths, not on the contents.
    static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference: UInt8 = left.count == right.count ? 0 : 1
        for index in 0..<max(left.count, right.count) {
            difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
        }
        return difference == 0
    }
}

extension IngestToken {
    /// Whether this token may enqueue for and read wins of `operatorName`.
    package func allows(_ operatorName: String) -> Bool {
        operators?.contains(operatorName) ?? true
    }
}

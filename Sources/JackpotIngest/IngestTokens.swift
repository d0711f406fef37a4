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
        guard let header else { return nil }
        let bytes = header.utf8
        let scheme = zip(bytes.prefix(7), "bearer ".utf8)
        guard bytes.count > 7, scheme.allSatisfy({ byte, want in (65...90).contains(byte) ? byte + 32 == want : byte == want })
        else { return nil }
        let presented = bytes.dropFirst(7)
        var match: IngestToken?
        for candidate in tokens where Self.constantTimeEquals(presented, candidate.bytes) {
            match = candidate.token
        }
        return match
    }

    /// Equality whose running time depends only on the lengths, not on the contents.
    static func constantTimeEquals(_ left: some Collection<UInt8>, _ right: [UInt8]) -> Bool {
        var difference: UInt8 = left.count == right.count ? 0 : 1
        var index = 0
        for byte in left {
            difference |= byte ^ (index < right.count ? right[index] : 0)
            index += 1
        }
        for extra in index..<max(index, right.count) { difference |= right[extra] }
        return difference == 0
    }
}

extension IngestToken {
    /// Whether this token may enqueue for and read wins of `operatorName`.
    package func allows(_ operatorName: String) -> Bool {
        operators?.contains(operatorName) ?? true
    }
}

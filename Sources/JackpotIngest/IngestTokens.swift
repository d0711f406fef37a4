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
        guard var header else { return nil }
        return header.withUTF8 { authenticate(authorization: $0) }
    }

    /// The same, from the header's bytes where libmicrohttpd keeps them: the
    /// listener checks every post's token without making a `String` of it.
    package func authenticate(authorization bytes: UnsafeBufferPointer<UInt8>) -> IngestToken? {
        let scheme: StaticString = "bearer "
        let count = scheme.utf8CodeUnitCount
        guard bytes.count > count, hasPrefixIgnoringASCIICase(bytes, scheme) else { return nil }
        let presented = UnsafeBufferPointer(rebasing: bytes[count...])
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

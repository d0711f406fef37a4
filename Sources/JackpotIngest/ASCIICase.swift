// Header values compared as bytes where libmicrohttpd keeps them, ignoring
// ASCII case as HTTP does for media types and auth schemes: plain loops, no
// copy, no generic wrappers, for code that runs on every request.

/// Whether `bytes` starts with `lowercase` (given in lowercase), ASCII letters in either case.
func hasPrefixIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
    let count = lowercase.utf8CodeUnitCount
    guard bytes.count >= count else { return false }
    let expected = lowercase.utf8Start
    for index in 0..<count {
        let byte = bytes[index]
        let folded = byte >= 65 && byte <= 90 ? byte + 32 : byte
        if folded != expected[index] { return false }
    }
    return true
}

/// Whether `bytes` is `lowercase` (given in lowercase), ASCII letters in either case.
func equalsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
    bytes.count == lowercase.utf8CodeUnitCount && hasPrefixIgnoringASCIICase(bytes, lowercase)
}

extension Array where Element == UInt8 {
    /// Appends `text`'s UTF-8 bytes in one copy. `+= text.utf8` walks a small
    /// string (up to 15 bytes, stored inline, as most field names and values
    /// are) byte by byte; requests and their hashes are built for every call.
    package mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }
}

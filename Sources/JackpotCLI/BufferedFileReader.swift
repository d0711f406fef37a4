#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a file descriptor, read 256 KiB at a time: what `LineReader`
/// (JSON Lines) and `CSVRecordReader` (RFC 4180 records) parse, so a
/// million-line input streams in constant memory. A failed read ends the input
/// and is kept in `readError`.
struct BufferedFileReader {
    static let chunkBytes = 256 * 1024

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    /// The errno of a failed read, if reading stopped because of one.
    private(set) var readError: Int32?

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// The bytes read and not yet consumed, reading the next chunk when none are
    /// left; empty at end of input. Its indices are the ones `consume(upTo:)` takes.
    mutating func unread() -> ArraySlice<UInt8> {
        if position == buffer.count, !refill() { return [] }
        return buffer[position...]
    }

    /// Marks the bytes before `index` (an index of the last `unread()`) as consumed.
    mutating func consume(upTo index: Int) {
        position = index
    }

    /// The next byte without consuming it, or nil at end of input.
    mutating func peek() -> UInt8? {
        if position == buffer.count, !refill() { return nil }
        return buffer[position]
    }

    /// The next byte, consumed, or nil at end of input.
    mutating func next() -> UInt8? {
        guard let byte = peek() else { return nil }
        position += 1
        return byte
    }

    private mutating func refill() -> Bool {
        guard !finished else { return false }
        if buffer.count != Self.chunkBytes { buffer = [UInt8](repeating: 0, count: Self.chunkBytes) }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.removeSubrange(count...)
                position = 0
                return true
            }
            if count < 0, errno == EINTR { continue }
            if count < 0 { readError = errno }
            finished = true
            buffer = []
            position = 0
            return false
        }
    }
}

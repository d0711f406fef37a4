import Foundation

/// Reads newline-separated records from a file descriptor without loading the
/// whole input, so a million-line batch streams in constant memory. A line
/// longer than `maxLineBytes` is reported as too long instead of buffered.
package struct LineReader {
    package enum Line: Equatable {
        case text([UInt8])
        case tooLong(bytes: Int)
    }

    private let descriptor: Int32
    private let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var endOfInput = false
    private var readError: Int32?

    package init(descriptor: Int32, maxLineBytes: Int) {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
    }

    /// The errno of a failed read, if reading stopped because of one.
    package var error: Int32? { readError }

    /// The next line without its terminator (`\n` or `\r\n`), or nil at end of input.
    package mutating func next() -> Line? {
        var current: [UInt8] = []
        var overflow = 0
        while true {
            if position == buffer.count {
                if endOfInput || !refill() {
                    if current.isEmpty && overflow == 0 { return nil }
                    return finish(current, overflow: overflow)
                }
            }
            let slice = buffer[position...]
            if let newline = slice.firstIndex(of: UInt8(ascii: "\n")) {
                append(buffer[position..<newline], to: &current, overflow: &overflow)
                position = newline + 1
                return finish(current, overflow: overflow)
            }
            append(slice, to: &current, overflow: &overflow)
            position = buffer.count
        }
    }

    private func append(_ bytes: ArraySlice<UInt8>, to current: inout [UInt8], overflow: inout Int) {
        if overflow > 0 || current.count + bytes.count > maxLineBytes + 1 {
            overflow += current.count + bytes.count
            current.removeAll()
        } else {
            current.append(contentsOf: bytes)
        }
    }

    private func finish(_ current: [UInt8], overflow: Int) -> Line {
        if overflow > 0 { return .tooLong(bytes: overflow) }
        var line = current
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return .text(line)
    }

    private mutating func refill() -> Bool {
        if buffer.count != 256 * 1024 { buffer = [UInt8](repeating: 0, count: 256 * 1024) }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.removeSubrange(count...)
                position = 0
                return true
            }
            if count < 0, errno == EINTR { continue }
            if count < 0 { readError = errno }
            endOfInput = true
            buffer = []
            position = 0
            return false
        }
    }
}

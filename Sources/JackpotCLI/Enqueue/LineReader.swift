import Foundation

/// Reads newline-separated records from a file descriptor without loading the
/// whole input, so a million-line batch streams in constant memory. A line
/// longer than `maxLineBytes` is reported as too long instead of buffered.
package struct LineReader {
    package enum Line: Equatable {
        case text([UInt8])
        case tooLong(bytes: Int)
    }

    private var input: BufferedFileReader
    private let maxLineBytes: Int

    package init(descriptor: Int32, maxLineBytes: Int) {
        input = BufferedFileReader(descriptor: descriptor)
        self.maxLineBytes = maxLineBytes
    }

    /// The errno of a failed read, if reading stopped because of one.
    package var error: Int32? { input.readError }

    /// The next line without its terminator (`\n` or `\r\n`), or nil at end of input.
    package mutating func next() -> Line? {
        var current: [UInt8] = []
        var overflow = 0
        while true {
            let unread = input.unread()
            if unread.isEmpty {
                if current.isEmpty && overflow == 0 { return nil }
                return finish(current, overflow: overflow)
            }
            if let newline = unread.firstIndex(of: UInt8(ascii: "\n")) {
                append(unread[..<newline], to: &current, overflow: &overflow)
                input.consume(upTo: newline + 1)
                return finish(current, overflow: overflow)
            }
            append(unread, to: &current, overflow: &overflow)
            input.consume(upTo: unread.endIndex)
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
}

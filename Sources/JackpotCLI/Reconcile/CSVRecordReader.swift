import Foundation

/// Reads RFC 4180 CSV records from a file descriptor, streaming: quoted fields
/// may hold commas, doubled quotes and line breaks, so a record is not a line.
/// Each record carries the line it starts on, for error messages.
struct CSVRecordReader {
    enum Record {
        case fields(line: Int, [String])
        /// A record that is not CSV (a quote left open, text after a closing quote).
        case malformed(line: Int, reason: String)
    }

    /// A field longer than this is refused rather than buffered.
    static let maxFieldBytes = 64 * 1024

    private var bytes: BufferedFileReader
    private var line = 1

    init(descriptor: Int32) {
        bytes = BufferedFileReader(descriptor: descriptor)
    }

    var readError: Int32? { bytes.readError }

    /// The next record, or nil at end of input. Blank lines are skipped.
    mutating func next() -> Record? {
        while true {
            guard bytes.peek() != nil else { return nil }
            let start = line
            var fields: [String] = []
            var field: [UInt8] = []
            var problem: String?
            var quoted = false
            var afterQuote = false
            func note(_ reason: String) { if problem == nil { problem = reason } }
            func append(_ byte: UInt8) {
                if field.count < Self.maxFieldBytes {
                    field.append(byte)
                } else {
                    note("a field longer than \(Self.maxFieldBytes) bytes")
                }
            }
            recordLoop: while true {
                guard let byte = bytes.next() else {
                    if quoted { note("a quoted field opened on line \(start) is never closed") }
                    break recordLoop
                }
                if quoted {
                    if byte == UInt8(ascii: "\"") {
                        if bytes.peek() == UInt8(ascii: "\"") {
                            _ = bytes.next(); append(byte)
                        } else {
                            quoted = false; afterQuote = true
                        }
                    } else {
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        append(byte)
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: ","):
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                    afterQuote = false
                case UInt8(ascii: "\n"):
                    line += 1
                    break recordLoop
                case UInt8(ascii: "\r") where bytes.peek() == UInt8(ascii: "\n"):
                    continue
                case UInt8(ascii: "\""):
                    if field.isEmpty && !afterQuote { quoted = true } else { note("a quote inside an unquoted field") }
                default:
                    if afterQuote { note("text after a closing quote") }
                    append(byte)
                }
            }
            fields.append(String(decoding: field, as: UTF8.self))
            if let problem { return .malformed(line: start, reason: problem) }
            if fields == [""] { continue }
            return .fields(line: start, fields)
        }
    }
}

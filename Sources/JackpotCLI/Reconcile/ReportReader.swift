import JackpotWire
import Foundation

/// Streams an operator's report, one credited win at a time: CSV with a header
/// row, or JSON Lines. A bad row comes out as `.bad` with its line, never as a guess.
struct ReportReader {
    enum Format: String, Sendable { case csv, jsonl }

    enum Entry {
        case row(ReportRow)
        case bad(line: Int, reason: String)
    }

    // Two optionals rather than an enum with payloads: a reader mutated through
    // an optional stays in place, one taken out of an enum case copies its buffer.
    private var csv: CSVRecordReader?
    private var jsonl: LineReader?
    private var header: [String: Int] = [:]
    private var width = 0
    private var jsonLine = 0
    private let columns: ReportColumns

    /// Reads the CSV header at once, so a report without the needed columns is a
    /// usage error before anything is compared.
    init(descriptor: Int32, format: Format, columns: ReportColumns) throws(UsageError) {
        self.columns = columns
        switch format {
        case .jsonl:
            jsonl = LineReader(descriptor: descriptor, maxLineBytes: 64 * 1024)
        case .csv:
            var reader = CSVRecordReader(descriptor: descriptor)
            guard case .fields(_, let names)? = reader.next() else {
                throw UsageError("the report has no CSV header row (it needs at least \(Self.requiredNames(columns)))")
            }
            // Excel's "CSV UTF-8" starts the file with a byte order mark, which is not part of the first name.
            var trimmed = names.map { $0.trimmingCharacters(in: .whitespaces) }
            if let first = trimmed.first, first.hasPrefix(Self.byteOrderMark) {
                trimmed[0] = String(first.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            var header: [String: Int] = [:]
            for (index, name) in trimmed.enumerated() where header[name] == nil { header[name] = index }
            for field in ReportColumns.required where header[columns.column(field)] == nil {
                throw UsageError(
                    "the report's header has no column \"\(columns.column(field))\" for \(field) (its columns: \(trimmed.joined(separator: ", "))); "
                        + "map it with --columns \(field)=NAME")
            }
            csv = reader
            self.header = header
            width = trimmed.count
        }
    }

    static let byteOrderMark = "\u{FEFF}"
    static let byteOrderMarkBytes: [UInt8] = [0xEF, 0xBB, 0xBF]

    private static func requiredNames(_ columns: ReportColumns) -> String {
        ReportColumns.required.map { columns.column($0) }.joined(separator: " and ")
    }

    mutating func next() -> Entry? {
        if csv != nil {
            switch csv?.next() {
            case nil: return nil
            case .malformed(let line, let reason)?: return .bad(line: line, reason: reason)
            case .fields(let line, let fields)?:
                guard fields.count == width else {
                    return .bad(line: line, reason: "\(fields.count) fields, the header has \(width)")
                }
                do {
                    return .row(
                        try ReportRow(line: line) { field in
                            header[columns.column(field)].map { fields[$0] }
                        })
                } catch {
                    return .bad(line: line, reason: error.description)
                }
            }
        }
        while let next = jsonl?.next() {
            jsonLine += 1
            switch next {
            case .tooLong(let bytes):
                return .bad(line: jsonLine, reason: "line of \(bytes) bytes is longer than 64 KiB")
            case .text(var bytes):
                if jsonLine == 1, bytes.starts(with: Self.byteOrderMarkBytes) { bytes.removeFirst(Self.byteOrderMarkBytes.count) }
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                return Self.jsonRow(bytes, line: jsonLine, columns: columns)
            }
        }
        return nil
    }

    /// Strings stay strings; numbers keep their exact digits (a transactionId above
    /// 2^53, an amount); anything else is a bad row naming the field.
    private static func jsonRow(_ bytes: [UInt8], line: Int, columns: ReportColumns) -> Entry {
        let object: JSONObject
        do {
            guard let parsed = try JSONValue.parse(bytes).objectValue else {
                return .bad(line: line, reason: "not a JSON object")
            }
            object = parsed
        } catch {
            return .bad(line: line, reason: "not JSON: \(error)")
        }
        var wrongKind: String?
        do {
            let row = try ReportRow(line: line) { field in
                let key = columns.column(field)
                switch object[key] {
                case nil, .null?: return nil
                case .string(let text)?: return text
                case .number(let digits)?: return digits
                case let other?:
                    if wrongKind == nil { wrongKind = "\(key) is a JSON \(other.kindName), not a string or number" }
                    return nil
                }
            }
            if let wrongKind { return .bad(line: line, reason: wrongKind) }
            return .row(row)
        } catch {
            return .bad(line: line, reason: wrongKind ?? error.description)
        }
    }

    var readError: Int32? {
        csv?.readError ?? jsonl?.error
    }
}

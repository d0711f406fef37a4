import JackpotWire
/// One result row, detached from its statement so it can outlive the query and cross tasks.
///
/// The typed accessors return nil both for NULL and for a value of an unrelated
/// storage class: a schema mismatch should surface as a missing value the caller
/// handles, not as a silently coerced number.
package struct Row: Sendable {
    /// Shared by all rows of one query (copy-on-write array), so a row costs only its values.
    package let columnNames: [String]
    package let values: [SQLValue]

    package init(columnNames: [String], values: [SQLValue]) {
        precondition(columnNames.count == values.count, "Row needs one value per column")
        self.columnNames = columnNames
        self.values = values
    }

    /// The value of `column`, or `.null` when the row has no such column.
    /// SQLite treats column names case-insensitively, so the lookup does too
    /// (an exact match wins when two names differ only by case).
    package subscript(_ column: String) -> SQLValue {
        guard let index = index(of: column) else { return .null }
        return values[index]
    }

    /// Text as stored; an integer rendered in decimal (ids and amounts are sometimes
    /// stored as INTEGER but consumed as text). nil for NULL, real and blob.
    package func string(_ column: String) -> String? {
        switch self[column] {
        case .text(let text): return text
        case .integer(let integer): return String(integer)
        case .null, .real, .blob: return nil
        }
    }

    /// An integer, or a real that is exactly integral. Text is not parsed.
    package func int64(_ column: String) -> Int64? {
        switch self[column] {
        case .integer(let integer): return integer
        case .real(let real): return Int64(exactly: real)
        case .null, .text, .blob: return nil
        }
    }

    package func int(_ column: String) -> Int? {
        int64(column).flatMap { Int(exactly: $0) }
    }

    /// A real, or an integer widened to Double (a REAL column may hand back either).
    package func double(_ column: String) -> Double? {
        switch self[column] {
        case .real(let real): return real
        case .integer(let integer): return Double(integer)
        case .null, .text, .blob: return nil
        }
    }

    /// Any integer is a boolean (non-zero is true), as in SQLite's own `WHERE flag`.
    package func bool(_ column: String) -> Bool? {
        int64(column).map { $0 != 0 }
    }

    package func blob(_ column: String) -> [UInt8]? {
        if case .blob(let bytes) = self[column] { return bytes }
        return nil
    }

    private func index(of column: String) -> Int? {
        if let exact = columnNames.firstIndex(of: column) { return exact }
        let folded = column.lowercased()
        return columnNames.firstIndex { $0.lowercased() == folded }
    }
}

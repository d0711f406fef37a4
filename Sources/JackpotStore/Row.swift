/// One result row, detached from its statement so it can outlive the query and cross tasks.
///
/// The typed accessors return nil both for NULL and for a value of an unrelated
/// storage class: a schema mismatch should surface as a missing value the caller
/// handles, not as a silently coerced number.
package struct Row: Sendable {
    /// Shared by all rows of one query, so a row costs only its values.
    package let columns: RowColumns
    package let values: [SQLValue]

    package init(columns: RowColumns, values: [SQLValue]) {
        precondition(columns.names.count == values.count, "Row needs one value per column")
        self.columns = columns
        self.values = values
    }

    package var columnNames: [String] { columns.names }

    /// The value of `column`, or `.null` when the row has no such column.
    /// SQLite treats column names case-insensitively, so the lookup does too
    /// (an exact match wins when two names differ only by case).
    package subscript(_ column: String) -> SQLValue {
        guard let index = columns.position(of: column) else { return .null }
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
}

/// The column names of one query with a lookup by name, built once per query
/// and shared by its rows: decoding a claimed win reads 32 columns by name, and
/// a linear search of 32 names for each was a tenth of the dispatcher's CPU.
package final class RowColumns: Sendable {
    package let names: [String]
    /// The first column of each exact name.
    private let positions: [String: Int]

    package init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (position, name) in names.enumerated() where positions[name] == nil { positions[name] = position }
        self.positions = positions
    }

    /// SQLite treats column names case-insensitively, so the lookup does too
    /// (an exact match wins when two names differ only by case).
    func position(of column: String) -> Int? {
        if let exact = positions[column] { return exact }
        let folded = column.lowercased()
        return names.firstIndex { $0.lowercased() == folded }
    }
}

/// One statement over many rows: the rows in chunks of a fixed size (so only a
/// few distinct statement texts reach the statement cache) and the placeholder
/// lists those statements take.
enum SQLBatch {
    /// `elements` in consecutive runs of at most `size`.
    static func chunks<Element>(of elements: [Element], size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: elements.count, by: size).map { elements[$0..<min($0 + size, elements.count)] }
    }

    /// `?, ?, …`: `count` placeholders, for `IN (…)`.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// `(?, ?, …), (?, ?, …)`: `rows` rows of `columns` placeholders, for `VALUES …`.
    static func rows(_ rows: Int, columns: Int) -> String {
        Array(repeating: "(" + placeholders(columns) + ")", count: rows).joined(separator: ", ")
    }
}

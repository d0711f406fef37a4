import Foundation

/// A left-aligned text table for terminals: columns as wide as their widest cell.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header.map(HumanText.escaped) }

    /// Cells are escaped: they hold untrusted text (references, operators' answers).
    mutating func add(_ row: [String]) { rows.append(row.map(HumanText.escaped)) }

    mutating func reserveCapacity(_ rowCount: Int) { rows.reserveCapacity(rowCount) }

    /// Written into one string: `status` renders a row per operator, and an
    /// aggregator's thousands of rows made a padded copy and a joined line each.
    func render() -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }
        let lineLength = widths.reduce(0, +) + 2 * widths.count
        let spaces = String(repeating: " ", count: widths.max() ?? 0)
        var text = ""
        text.reserveCapacity(lineLength * (rows.count + 1))
        func append(_ row: [String]) {
            for (column, cell) in row.enumerated() {
                if column > 0 { text += "  " }
                text += cell
                if column < row.count - 1, column < widths.count, cell.count < widths[column] {
                    text += spaces.prefix(widths[column] - cell.count)
                }
            }
            text += "\n"
        }
        append(header)
        for row in rows { append(row) }
        return text
    }
}

/// A value as SQLite stores it: one of its five storage classes.
///
/// Deliberately not `ExpressibleByFloatLiteral`: money travels as decimal text,
/// and a stray `1.10` in a query argument should not compile into a binary float.
package enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    package init(_ value: String?) {
        self = value.map { .text($0) } ?? .null
    }

    package init(_ value: Int?) {
        self = value.map { .integer(Int64($0)) } ?? .null
    }

    package init(_ value: Int64?) {
        self = value.map { .integer($0) } ?? .null
    }

    package init(_ value: Double?) {
        self = value.map { .real($0) } ?? .null
    }

    package init(_ value: [UInt8]?) {
        self = value.map { .blob($0) } ?? .null
    }

    /// SQLite has no boolean type; 0 and 1 are what `WHERE flag` and CHECK constraints expect.
    package init(_ value: Bool) {
        self = .integer(value ? 1 : 0)
    }
}

extension SQLValue: ExpressibleByStringLiteral {
    package init(stringLiteral value: String) {
        self = .text(value)
    }
}

extension SQLValue: ExpressibleByIntegerLiteral {
    package init(integerLiteral value: Int64) {
        self = .integer(value)
    }
}

extension SQLValue: ExpressibleByNilLiteral {
    package init(nilLiteral: ()) {
        self = .null
    }
}

extension SQLValue: ExpressibleByBooleanLiteral {
    package init(booleanLiteral value: Bool) {
        self.init(value)
    }
}

extension SQLValue {
    /// The integer, or nil for anything else.
    package var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The text (or an integer as text), or nil.
    package var textValue: String? {
        switch self {
        case .text(let value): value
        case .integer(let value): String(value)
        default: nil
        }
    }
}

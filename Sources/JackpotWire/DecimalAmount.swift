/// A positive money amount held as validated decimal digits — never a binary float.
///
/// The amount travels as text from enqueue to the wire: what the platform wrote
/// is what gets hashed and sent, only normalised (`55.0` → `55`, `0.10` → `0.1`).
public struct DecimalAmount: Sendable, Hashable, CustomStringConvertible {
    /// Integer digits without leading zeros (`"0"` for amounts below one).
    package let integerDigits: String
    /// Fraction digits without trailing zeros (empty for whole amounts).
    package let fractionDigits: String

    package static let maxIntegerDigits = 18
    package static let maxFractionDigits = 8

    /// Validates `text` as a plain positive decimal: digits, optionally one `.`
    /// followed by digits. No sign, exponent, spaces, separators or hex.
    public init(validating text: String) throws(AmountError) {
        guard !text.isEmpty else { throw AmountError(text: text, reason: "is empty") }
        // Split at the point by bytes: a split by `Character` costs more than the rest,
        // and every call re-validates its win's amount.
        let point = text.utf8.firstIndex(of: UInt8(ascii: "."))
        let integerPart = point.map { text[..<$0] } ?? text[...]
        let fractionPart = point.map { text[text.utf8.index(after: $0)...] } ?? ""
        guard !fractionPart.utf8.contains(UInt8(ascii: ".")) else {
            throw AmountError(text: text, reason: "has more than one decimal point")
        }
        guard integerPart.utf8.allSatisfy(Self.isDigit), fractionPart.utf8.allSatisfy(Self.isDigit) else {
            if text.hasPrefix("-") { throw AmountError(text: text, reason: "must be positive") }
            throw AmountError(text: text, reason: "is not a plain decimal number (digits and an optional '.')")
        }
        // From here on every character is an ASCII digit, so UTF-8 counts are digit
        // counts (and far cheaper than counting Characters).
        guard !integerPart.isEmpty else { throw AmountError(text: text, reason: "needs a digit before the decimal point") }
        if point != nil, fractionPart.isEmpty {
            throw AmountError(text: text, reason: "needs a digit after the decimal point")
        }
        if integerPart.utf8.count > 1, integerPart.utf8.first == UInt8(ascii: "0") {
            throw AmountError(text: text, reason: "has a leading zero")
        }
        var fractionEnd = fractionPart.utf8.endIndex
        while fractionEnd > fractionPart.utf8.startIndex,
            fractionPart.utf8[fractionPart.utf8.index(before: fractionEnd)] == UInt8(ascii: "0")
        {
            fractionEnd = fractionPart.utf8.index(before: fractionEnd)
        }
        let fraction = fractionPart[..<fractionEnd]
        guard integerPart.utf8.count <= Self.maxIntegerDigits else {
            throw AmountError(text: text, reason: "has more than \(Self.maxIntegerDigits) integer digits")
        }
        guard fraction.utf8.count <= Self.maxFractionDigits else {
            throw AmountError(text: text, reason: "has more than \(Self.maxFractionDigits) decimal places")
        }
        guard integerPart != "0" || !fraction.isEmpty else {
            throw AmountError(text: text, reason: "must be greater than zero")
        }
        integerDigits = String(integerPart)
        fractionDigits = String(fraction)
    }

    /// Shortest exact text: `55`, `55.5`, `0.05`. What JSON bodies carry by default.
    public var canonical: String {
        fractionDigits.isEmpty ? integerDigits : integerDigits + "." + fractionDigits
    }

    public var description: String { canonical }

    /// Exactly `decimals` decimal places (`55` → `55.00`). Throws when the amount
    /// has more precision than that, because rounding money is never our call.
    package func formatted(decimals: Int) throws(AmountError) -> String {
        guard fractionDigits.count <= decimals else {
            throw AmountError(text: canonical, reason: "has more than \(decimals) decimal places, the operator's amountDecimals")
        }
        guard decimals > 0 else { return integerDigits }
        return integerDigits + "." + fractionDigits + String(repeating: "0", count: decimals - fractionDigits.count)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}

public struct AmountError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let reason: String

    package init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String { "amount \"\(text)\" \(reason)" }
}

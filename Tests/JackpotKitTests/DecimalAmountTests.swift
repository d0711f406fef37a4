import Testing
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct DecimalAmountTests {
    @Test(arguments: [
        ("55", "55"),
        ("55.0", "55"),
        ("55.00000000", "55"),
        ("0.10", "0.1"),
        ("0.05", "0.05"),
        ("55.5", "55.5"),
        ("0.00000001", "0.00000001"),
        ("100", "100"),
        ("123456789012345678.12345678", "123456789012345678.12345678"),
        ("999999999999999999.5", "999999999999999999.5"),
        ("1.123456780", "1.12345678"),
    ])
    func canonicalForm(input: String, canonical: String) throws {
        let amount = try DecimalAmount(validating: input)
        #expect(amount.canonical == canonical)
        #expect(amount.description == canonical)
        #expect(try DecimalAmount(validating: canonical) == amount)
    }

    @Test(arguments: [
        ("55", 2, "55.00"),
        ("0.1", 2, "0.10"),
        ("55.5", 2, "55.50"),
        ("0.05", 2, "0.05"),
        ("55.0", 0, "55"),
        ("7", 8, "7.00000000"),
    ])
    func fixedDecimals(input: String, decimals: Int, expected: String) throws {
        #expect(try DecimalAmount(validating: input).formatted(decimals: decimals) == expected)
    }

    @Test(arguments: [("0.005", 2), ("55.5", 0), ("1.123", 1)])
    func tooPreciseForFixedDecimalsIsAnError(input: String, decimals: Int) throws {
        let amount = try DecimalAmount(validating: input)
        #expect(throws: AmountError.self) { try amount.formatted(decimals: decimals) }
    }

    @Test(arguments: [
        ("0", "greater than zero"),
        ("0.00", "greater than zero"),
        ("-5", "positive"),
        ("-0", "positive"),
        ("1e3", "plain decimal"),
        ("0x10", "plain decimal"),
        (" 5", "plain decimal"),
        ("5 ", "plain decimal"),
        ("5,00", "plain decimal"),
        ("+5", "plain decimal"),
        (".5", "digit before"),
        ("5.", "digit after"),
        ("00.5", "leading zero"),
        ("05", "leading zero"),
        ("1.2.3", "more than one decimal point"),
        ("NaN", "plain decimal"),
        ("Infinity", "plain decimal"),
        ("١٢", "plain decimal"),
        ("1234567890123456789", "integer digits"),
        ("1.123456789", "decimal places"),
        ("", "empty"),
    ])
    func rejects(input: String, reasonFragment: String) {
        #expect {
            try DecimalAmount(validating: input)
        } throws: { error in
            guard let amountError = error as? AmountError else { return false }
            return amountError.text == input && amountError.reason.contains(reasonFragment)
        }
    }

    @Test func errorDescriptionNamesTheText() {
        #expect(AmountError(text: "-5", reason: "must be positive").description == #"amount "-5" must be positive"#)
    }
}

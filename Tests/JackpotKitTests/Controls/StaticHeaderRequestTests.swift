import Testing
import Foundation
import JackpotConfiguration
import JackpotWire

/// Static headers on the request, and what `show` prints of them.
@Suite(.timeLimit(.minutes(1))) struct StaticHeaderRequestTests {
    @Test func configuredHeadersFollowJackpotdsOwnAndSecretOnesAreMaskedForDisplay() throws {
        var casino = WireRequestTests.casino()
        casino.headers = [StaticHeader("X-Tenant", "casino-a"), StaticHeader("X-Api-Key", "k-123", isSecret: true)]
        let request = try WireRequest.build(win: WireRequestTests.productWin(), providerId: "luckymonaco", operator: casino)
        #expect(request.http.headers.map(\.name) == ["Content-Type", "Accept", "User-Agent", "X-Tenant", "X-Api-Key"])
        #expect(request.http.headers.last?.value == "k-123")
        #expect(request.displayHeaders().suffix(2) == [HTTPHeader("X-Tenant", "casino-a"), HTTPHeader("X-Api-Key", "***")])
        // Headers are not part of the hashed text or the body.
        let plain = try WireRequest.build(
            win: WireRequestTests.productWin(), providerId: "luckymonaco", operator: WireRequestTests.casino())
        #expect(request.http.body == plain.http.body)
        #expect(request.hash == plain.hash)
    }

    /// Every attempt signed with one secret sends the same bytes; the two secrets of a rotation differ only in the hash.
    @Test func eachSecretSignsItsOwnByteIdenticalBody() throws {
        let win = try WireRequestTests.productWin()
        var previous = WireRequestTests.casino()
        previous.secret = "oldKey"
        let current = WireRequestTests.casino()
        let first = try WireRequest.build(win: win, providerId: "luckymonaco", operator: previous)
        let again = try WireRequest.build(win: win, providerId: "luckymonaco", operator: previous)
        let withCurrent = try WireRequest.build(win: win, providerId: "luckymonaco", operator: current)
        #expect(first.http.body == again.http.body)
        #expect(first.hash != withCurrent.hash)
        #expect(first.fields == withCurrent.fields)
        #expect(first.bodyText.replacingOccurrences(of: first.hash, with: withCurrent.hash) == withCurrent.bodyText)
    }

    @Test(arguments: ["X-Api-Key", "x_tenant.id", "A!#$%&'*+-.^_`|~9"])
    func tokenNamesAreAccepted(_ name: String) { #expect(StaticHeader.isValidName(name)) }

    @Test(arguments: ["", "X Key", "X:Key", "Ключ", "X\r\nY", "(x)"])
    func nonTokenNamesAreRefused(_ name: String) { #expect(!StaticHeader.isValidName(name)) }

    @Test(arguments: [" lead", "trail ", "a\nb", "a\rb", "é", "\u{0}"])
    func valuesThatCouldBreakTheLineAreRefused(_ value: String) { #expect(!StaticHeader.isValidValue(value)) }
}

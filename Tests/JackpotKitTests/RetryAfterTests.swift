import Foundation
import Testing
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct RetryAfterTests {
    /// Wed, 21 Oct 2015 07:28:00 GMT.
    static let now = Date(timeIntervalSince1970: 1_445_412_480)

    @Test(arguments: [
        ("120", 120.0),
        ("0", 0),
        (" 30 ", 30),
        ("007", 7),
        ("Wed, 21 Oct 2015 07:30:00 GMT", 120),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0),
        ("Thu, 22 Oct 2015 07:28:01 GMT", 86_401),
        ("Wednesday, 21-Oct-15 07:30:00 GMT", 120),
        ("Wed Oct 21 07:30:00 2015", 120),
        ("Wed Oct  1 07:28:00 2015", 0),
        ("Mon, 29 Feb 2016 00:00:00 GMT", 11_291_520),
        ("Tue, 01 Jan 1980 00:00:00 GMT", 0),
        ("Sunday, 06-Nov-94 08:49:37 GMT", 0),
        ("Sun Nov  6 08:49:37 1994", 0),
    ])
    func parses(header: String, seconds: Double) {
        #expect(RetryAfter.parse(header, now: Self.now) == seconds)
    }

    @Test(arguments: [
        "", "   ", "soon", "-5", "1.5", "+10", "12s", "0x10",
        "Wed, 32 Oct 2015 07:30:00 GMT",
        "Wed, 29 Feb 2015 07:30:00 GMT",
        "Wed, 21 Foo 2015 07:30:00 GMT",
        "Wed, 21 Oct 2015 25:00:00 GMT",
        "Wed, 21 Oct 2015 07:60:00 GMT",
        "Wed, 21 Oct 2015 07:30:00 PST",
        "Wed, 21 Oct 2015 07:30 GMT",
        "Xyz, 21 Oct 2015 07:30:00 GMT",
        "Wednesday, 21-Oct-2015 07:30:00 GMT",
        "Wed Oct 21 07:30:00",
        "2015-10-21T07:30:00Z",
    ])
    func rejectsGarbage(header: String) {
        #expect(RetryAfter.parse(header, now: Self.now) == nil)
    }

    @Test func rfc850YearsAreReadRelativeToNow() throws {
        // 2015 + 50 = 2065: "65" is 2065 (in the future), "66" is 1966 (in the past).
        #expect(RetryAfter.parse("Wednesday, 21-Oct-65 07:28:00 GMT", now: Self.now) == 1_577_923_200)
        #expect(RetryAfter.parse("Friday, 21-Oct-66 07:28:00 GMT", now: Self.now) == 0)
    }
}

import Testing
import JackpotCLI
import JackpotConfiguration
import JackpotDelivery
import JackpotStore
import JackpotTelemetry
import JackpotWire
import OperatorSimulator
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct URLMaskingTests {
    @Test(arguments: [
        ("https://wallet.casino-a.example/V4/JackPotWin", "https://wallet.casino-a.example/V4/JackPotWin"),
        ("https://w.example/V4/JackPotWin?authToken=abc123", "https://w.example/V4/JackPotWin?authToken=***"),
        ("https://w.example/p?a=1&b=two&c=", "https://w.example/p?a=***&b=***&c=***"),
        ("https://w.example/p?token=a=b=c", "https://w.example/p?token=***"),
        ("https://w.example/p?bareSecret", "https://w.example/p?***"),
        ("https://w.example/p?a=1&&b=2", "https://w.example/p?a=***&&b=***"),
        ("https://w.example/p?", "https://w.example/p?"),
        ("https://w.example/p?key=v#frag", "https://w.example/p?key=***#frag"),
        ("https://user:pa55@w.example:8443/p?k=v", "https://user:***@w.example:8443/p?k=***"),
        ("https://user@w.example/p", "https://user@w.example/p"),
        ("http://u:p@ss@127.0.0.1:9/x", "http://u:***@127.0.0.1:9/x"),
        ("https://w.example/path/with@sign:colon", "https://w.example/path/with@sign:colon"),
        ("not a url?secret=1", "not a url?secret=***"),
    ])
    func masks(url: String, expected: String) {
        #expect(URLMasking.masked(url) == expected)
    }
}

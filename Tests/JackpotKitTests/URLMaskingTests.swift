import Testing
import JackpotWire

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

    /// A redirect to someone else's server: its path and fragment are masked too;
    /// on the operator's own server (same scheme, host and port) only the query.
    @Test(arguments: [
        ("https://other.example/session/s3cr3t/win?t=abc#frag", "https://other.example/***?t=***#***"),
        ("https://other.example", "https://other.example"),
        ("https://other.example/", "https://other.example/"),
        ("https://u:pw@other.example/p", "https://u:***@other.example/***"),
        ("//other.example/p/s3cr3t", "https://other.example/***"),
        ("http://w.example/V4/JackPotWin", "http://w.example/***"),
        ("https://w.example:8443/V4/JackPotWin", "https://w.example:8443/***"),
        ("https://W.EXAMPLE:443/V5/JackPotWin?t=abc", "https://W.EXAMPLE:443/V5/JackPotWin?t=***"),
        ("https://w.example/V5/JackPotWin#x", "https://w.example/V5/JackPotWin#x"),
        ("/V5/JackPotWin?t=abc", "/V5/JackPotWin?t=***"),
    ])
    func masksTheRedirectTargetOfAnotherServer(location: String, expected: String) {
        #expect(URLMasking.maskedRedirect(location, requestURL: "https://w.example/V4/JackPotWin?authToken=t") == expected)
    }
}

import Testing
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct SecretScrubberTests {
    /// A token of unreserved characters only is the same text raw, form-encoded and in JSON.
    @Test func plainTokenIsMaskedWherever() {
        let scrubber = SecretScrubber(hiding: ["s3cret-key"]).adding(["tok-12_AB.~z"])
        #expect(
            scrubber.scrubbed(#"{"token":"tok-12_AB.~z","echo":"token=tok-12_AB.~z&k=s3cret-key"}"#)
                == #"{"token":"***","echo":"token=***&k=***"}"#)
    }

    @Test func tokenWithReservedCharactersIsMaskedInEachEncoding() {
        let scrubber = SecretScrubber(hiding: []).adding(["a/b+c d"])
        #expect(scrubber.scrubbed("raw a/b+c d") == "raw ***")
        #expect(scrubber.scrubbed("form a%2Fb%2Bc%20d") == "form ***")
        #expect(scrubber.scrubbed(#"json "a\/b+c d""#) == #"json "***""#)
    }

    /// The longer value is masked whole before a shorter one inside it.
    @Test func longerValueIsMaskedFirst() {
        let scrubber = SecretScrubber(hiding: ["abcd"]).adding(["abcdef", "abcdef"])
        #expect(scrubber.scrubbed("x abcdef y abcd") == "x *** y ***")
    }

    @Test func shortValuesAreNotSearchedFor() {
        #expect(SecretScrubber(hiding: []).adding(["abc"]).scrubbed("abc") == "abc")
    }
}

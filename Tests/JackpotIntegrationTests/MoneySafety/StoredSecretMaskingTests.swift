import Foundation
import Testing
import JackpotStore
import OperatorSimulator
import TestSupport
import JackpotWire

/// An operator that echoes the request in its error answer: the attempt log keeps
/// the answer for disputes, but never the token, the secret or the URL's credentials.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct StoredSecretMaskingTests {
    static let token = "player-token-7f3a9c"
    static let secret = "hash-secret-51e2"
    static let query = "url-credential-88d1"

    @Test func anEchoedTokenSecretAndQueryValueAreMaskedInTheStoredAnswer() async throws {
        let fixture = try OpsFixture([FixtureOperator("casino-a", secret: Self.secret, query: "?authToken=\(Self.query)")])
        let echo =
            #"{"error":120,"description":"bad request","echo":{"token":"\#(Self.token)","key":"\#(Self.secret)"},"#
            + #""url":"/JackPotWin?authToken=\#(Self.query)","form":"token=\#(FormEncoding.encodeComponent(Self.token))"}"#
        fixture.wallet("casino-a").setFaultPlan { _ in .status(400, body: echo) }
        try await fixture.enqueue([winLine("m-1", operator: "casino-a", extra: "\"token\":\"\(Self.token)\"")])
        #expect(try await fixture.deliver { try $0.count("SELECT count(*) FROM attempts") >= 1 })

        let stored =
            try fixture.outbox().database.query("SELECT response_head, detail FROM attempts")
            .map { ($0.string("response_head") ?? "") + " " + ($0.string("detail") ?? "") }
            + [try fixture.win("m-1").lastError ?? ""]
        let text = stored.joined(separator: "\n")
        #expect(text.contains("bad request"), "\(text)")
        #expect(text.contains(#""token":"***""#), "\(text)")
        for value in [Self.token, Self.secret, Self.query, FormEncoding.encodeComponent(Self.token)] {
            #expect(!text.contains(value), "\(value) stored in \(text)")
        }
        let show = await fixture.cli(["show", "m-1"])
        #expect(!show.output.contains(Self.token) && !show.output.contains(Self.secret), "\(show.output)")
    }

    @Test func scrubbingFindsRawFormAndJSONFormsButNotShortValues() {
        let text = #"a=tok%2Fen&b="tok\/en"&c=tok/en&d=ab"#
        #expect(SecretScrubber(hiding: ["tok/en", "ab"]).scrubbed(text) == #"a=***&b="***"&c=***&d=ab"#)
        #expect(
            SecretScrubbing.urlSecrets("https://u:pw-secret@h/p?authToken=a%20b&x=1#f") == ["a%20b", "a b", "1", "pw-secret"])
    }
}

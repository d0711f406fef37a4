import Testing
import JackpotWire

@Suite(.timeLimit(.minutes(2))) struct RequestHashTests {
    @Test func productExampleHash() {
        let fields: [(key: String, value: String)] = [
            ("amount", "55"), ("gameId", "Im_60_tumblefortune"), ("jackpotId", "568"),
            ("providerId", "luckymonaco"), ("reference", "585c1306f89c56f5ecfc2f5d"),
            ("roundId", "5103188801"), ("timestamp", "1482429190374"), ("userId", "421"),
        ]
        #expect(
            RequestHash.canonicalString(fields.reversed())
                == "amount=55&gameId=Im_60_tumblefortune&jackpotId=568&providerId=luckymonaco&reference=585c1306f89c56f5ecfc2f5d&roundId=5103188801&timestamp=1482429190374&userId=421"
        )
        #expect(RequestHash.compute(fields, secret: "testKey") == "a8c7e9491d0388489dea4443545f7ea0")
    }

    @Test func emptyValuesAndHashFieldAreLeftOut() {
        let fields: [(key: String, value: String)] = [("b", "2"), ("hash", "x"), ("a", ""), ("c", "3")]
        #expect(RequestHash.canonicalString(fields) == "b=2&c=3")
    }
}

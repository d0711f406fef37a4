import Testing
import JackpotCLI
import TestSupport

/// Usage errors of `probe`: exit 2, one line naming the bad input, nothing sent.
@Suite(.timeLimit(.minutes(2))) struct ProbeUsageTests {
    @Test(arguments: [
        (["probe", "casino-p"], "missing --user-id TEST_PLAYER"),
        (["probe", "--user-id", "421"], "missing OPERATOR"),
        (
            ["probe", "casino-p", "--user-id", "421", "--max-calls", "0"],
            "--max-calls must be a whole number from 1 to 500, got \"0\""
        ),
        (["probe", "casino-p", "--user-id", "421", "--amount", "-1"], "--amount: amount \"-1\" must be positive"),
    ])
    func badArgumentsAreUsageErrors(_ arguments: [String], _ message: String) async {
        let result = await runCLI(arguments)
        #expect(result.code == .usage)
        #expect(result.errors.hasPrefix("jackpotd probe: error: \(message)"), "\(result.errors)")
    }

    @Test func anUnknownOperatorOrAnInsecureURLIsRefusedBeforeAnyCall() async {
        let directory = TemporaryDirectory()
        let config = writeConfig(
            in: directory, operators: [TestOperator(name: "casino-p", url: "http://127.0.0.1:9/w", secret: "k")])
        let unknown = await runCLI(["probe", "casino-q", "--user-id", "421", "--yes", "--config", config])
        #expect(unknown.code == .usage)
        #expect(unknown.errors.hasPrefix("jackpotd probe: error: unknown operator \"casino-q\" (configured: casino-p)"))
        let insecure = await runCLI(["probe", "casino-p", "--user-id", "421", "--yes", "--url", "ftp://x/y", "--config", config])
        #expect(insecure.code == .usage)
        #expect(insecure.errors.hasPrefix("jackpotd probe: error: --url must be an https:// URL"))
    }
}

import Testing
import JackpotConfiguration
import JackpotWire

/// `OperatorConfig` keeps its settings in shared storage so that the loaded
/// config and the dispatcher's lanes hold one copy; it must still behave as a
/// value: a change to one copy never shows through another.
@Suite(.timeLimit(.minutes(1))) struct OperatorConfigValueTests {
    private func sample() -> OperatorConfig {
        var config = OperatorConfig(name: "casino-a", url: "https://wallet.casino-a.example/win", secret: "s1")
        config.concurrency = 8
        config.retry.maxAgeHours = 24
        return config
    }

    @Test func aChangedCopyLeavesTheOriginalAsItWas() {
        let original = sample()
        var changed = original
        changed.concurrency = 2
        changed.retry.maxAgeHours = 1
        changed.secret = "s2"
        changed.headers.append(StaticHeader("X-Casino", "a"))

        #expect(original.concurrency == 8)
        #expect(original.retry.maxAgeHours == 24)
        #expect(original.secret == "s1")
        #expect(original.headers.isEmpty)
        #expect(changed.concurrency == 2)
        #expect(changed.retry.maxAgeHours == 1)
        #expect(changed.secret == "s2")
        #expect(changed.headers.count == 1)
    }

    @Test func equalityAndHashFollowTheSettingsNotTheStorage() {
        let first = sample()
        let second = sample()
        var third = first
        third.timeoutSeconds = 3

        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != third)
        third.timeoutSeconds = first.timeoutSeconds
        #expect(first == third)
        #expect(Set([first, second, third]).count == 1)
    }

    @Test func aDictionaryOfConfigsKeepsEachOperatorsOwnSettings() {
        var operators: [String: OperatorConfig] = [:]
        for index in 0..<100 {
            var config = sample()
            config.name = "casino-\(index)"
            config.concurrency = index + 1
            operators[config.name] = config
        }
        var lane = operators["casino-7"]!
        lane.concurrency = 99

        #expect(operators["casino-7"]?.concurrency == 8)
        #expect(operators.values.map(\.concurrency).sorted() == Array(1...100))
        #expect(lane.name == "casino-7")
    }
}
